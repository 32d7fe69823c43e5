import type { Context } from '../kernel/index.js';
import { linkIncident, severityAtLeast, type Alert, type AlertEvent } from '../monitor/index.js';
import { responseError } from './errors.js';
import {
  addTimeline,
  doneSteps,
  getIncident,
  openIncident,
  setIncidentState,
  type Incident,
  type IncidentDetail,
} from './incidents.js';
import type { NotifyOptions } from './notify.js';
import { loadPlaybooks } from './playbooks/store.js';
import type { Playbook } from './playbooks/types.js';
import { runStep, type ResponseHooks, type StepOutcome } from './steps.js';

export interface ResponderOptions {
  readonly notify?: NotifyOptions;
  /** Called after a manual release (the monitor forgets the device's alarms). */
  readonly onRelease?: (deviceId: string) => void | Promise<void>;
}

/**
 * Incident response: alerts open (or join) the device's incident, matching playbooks run their
 * steps in order. A step runs once per incident (its key is stored before it runs: replaying an
 * incident changes nothing), every step that ran is on the timeline and in the audit log.
 */
export class Responder {
  #playbooks: readonly Playbook[] = [];

  private constructor(
    readonly ctx: Context,
    private readonly hooks: ResponseHooks,
    private readonly options: ResponderOptions,
  ) {}

  static async open(ctx: Context, hooks: ResponseHooks, options: ResponderOptions = {}): Promise<Responder> {
    const r = new Responder(ctx, hooks, options);
    await r.reloadPlaybooks();
    return r;
  }

  get playbooks(): readonly Playbook[] {
    return this.#playbooks;
  }

  async reloadPlaybooks(): Promise<void> {
    this.#playbooks = await loadPlaybooks(this.ctx.store);
  }

  /** The monitor's alert listener. */
  async handle(event: AlertEvent): Promise<void> {
    const { alert } = event;
    if (event.change === 'repeated') return;
    const now = this.ctx.clock.now();
    if (event.change === 'cleared') {
      if (alert.incidentId === null) return;
      await addTimeline(this.ctx.store, alert.incidentId, now, 'note', { alert: alert.id, cleared: true });
      return;
    }
    const incident = await this.ctx.store.transaction(async (tx) => {
      const inc = await openIncident(tx, alert.deviceId, alert.severity, now);
      await linkIncident(tx, alert.id, inc.id);
      await addTimeline(tx, inc.id, now, 'alert', summary(alert, event.change));
      return inc;
    });
    await this.#runPlaybooks(incident, { ...alert, change: event.change });
  }

  /** Runs the matching playbooks of every alert of the incident again: steps already run are skipped. */
  async replay(incidentId: string): Promise<IncidentDetail> {
    const incident = await getIncident(this.ctx.store, incidentId);
    const alerts = incident.timeline
      .filter((t) => t.entry === 'alert')
      .map((t) => t.details as unknown as AlertSummary);
    for (const a of alerts) await this.#runPlaybooks(incident, a);
    return getIncident(this.ctx.store, incidentId);
  }

  /** The manual release path: the device goes back to active, the incident is resolved (audited). */
  async release(incidentId: string, actor: string, reason?: string): Promise<IncidentDetail> {
    const incident = await getIncident(this.ctx.store, incidentId);
    if (incident.state === 'resolved') throw responseError('FW_RESPONSE_INCIDENT_STATE_CONFLICT', 'incident resolved');
    const state = await this.hooks.deviceState(incident.deviceId);
    if (state === 'revoked' || state === 'retired') {
      throw responseError('FW_RESPONSE_INCIDENT_STATE_CONFLICT', `device ${incident.deviceId} is ${state}`);
    }
    if (state === 'quarantined') await this.hooks.setDeviceState(incident.deviceId, 'active', actor);
    const now = this.ctx.clock.now();
    await this.ctx.store.transaction(async (tx) => {
      await addTimeline(tx, incidentId, now, 'note', { released: true, by: actor, ...(reason ? { reason } : {}) });
      await setIncidentState(tx, incidentId, 'resolved', now);
      const details = { device: incident.deviceId, ...(reason ? { reason } : {}) };
      await this.ctx.audit.append({ actor, action: 'incident.release', target: `incident:${incidentId}`, details }, tx);
    });
    await this.options.onRelease?.(incident.deviceId);
    return getIncident(this.ctx.store, incidentId);
  }

  async #runPlaybooks(incident: Incident, alert: AlertSummary): Promise<void> {
    if (incident.state === 'resolved') return;
    const done = await doneSteps(this.ctx.store, incident.id);
    for (const pb of this.#playbooks) {
      if (!matches(pb, alert)) continue;
      for (const [i, step] of pb.steps.entries()) {
        const key = `${pb.name}#${i}:${step.action}`;
        if (done.has(key)) continue;
        done.add(key);
        await this.#step(incident, pb, key, i, alert);
      }
    }
  }

  async #step(incident: Incident, pb: Playbook, key: string, index: number, alert: AlertSummary): Promise<void> {
    const actor = `playbook:${pb.name}`;
    const step = pb.steps[index]!;
    // Claimed before it runs: a concurrent replay finds the key and skips.
    const claimed = await addTimeline(
      this.ctx.store,
      incident.id,
      this.ctx.clock.now(),
      'step',
      { status: 'running' },
      key,
    );
    if (!claimed) return;
    let outcome: StepOutcome;
    try {
      outcome = await runStep(step, {
        store: this.ctx.store,
        now: () => this.ctx.clock.now(),
        hooks: this.hooks,
        actor,
        deviceId: incident.deviceId,
        event: {
          type: 'fleetward.incident.step',
          incident: incident.id,
          device: incident.deviceId,
          alert,
          playbook: pb.name,
        },
        notify: this.options.notify ?? {},
      });
    } catch (err) {
      outcome = { status: 'failed', detail: { error: (err as { code?: string }).code ?? 'FW_INTERNAL' } };
    }
    const now = this.ctx.clock.now();
    await this.ctx.store.transaction(async (tx) => {
      const details = {
        playbook: pb.name,
        step: index,
        action: step.action,
        status: outcome.status,
        alert: alert.id,
        ...outcome.detail,
      };
      await tx.query('update incident_timeline set details = $3, at = $4 where incident_id = $1 and step_key = $2', [
        incident.id,
        key,
        JSON.stringify(details),
        now,
      ]);
      if ((step.action === 'quarantine' || step.action === 'revoke') && outcome.status !== 'failed') {
        await setIncidentState(tx, incident.id, 'contained', now);
      }
      await this.ctx.audit.append(
        {
          actor,
          action: `incident.step.${step.action}`,
          target: `device:${incident.deviceId}`,
          details: { incident: incident.id, ...details },
        },
        tx,
      );
    });
  }
}

/** What the timeline keeps of an alert (and what a replay matches playbooks on). */
interface AlertSummary {
  readonly id: string;
  readonly kind: Alert['kind'];
  readonly severity: Alert['severity'];
  readonly behavior: string;
  readonly profile: string;
  readonly observed: unknown;
  readonly expected: unknown;
  readonly change: string;
}

function summary(a: Alert, change: string): Record<string, unknown> {
  const s: AlertSummary = {
    id: a.id,
    kind: a.kind,
    severity: a.severity,
    behavior: a.behavior,
    profile: a.profile,
    observed: a.observed,
    expected: a.expected,
    change,
  };
  return { ...s };
}

function matches(pb: Playbook, a: AlertSummary): boolean {
  return (
    pb.enabled &&
    (pb.trigger.kinds.includes('*') || pb.trigger.kinds.includes(a.kind)) &&
    severityAtLeast(a.severity, pb.trigger.minSeverity)
  );
}
