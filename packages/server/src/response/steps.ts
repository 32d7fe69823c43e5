import type { DeviceState } from '../kernel/index.js';
import type { Store } from '../store/index.js';
import { deliverWebhook, type NotifyOptions } from './notify.js';
import type { Step } from './playbooks/types.js';

/** What a playbook may do to a device; the composition root wires identity, gateway and updates. */
export interface ResponseHooks {
  deviceState(deviceId: string): Promise<DeviceState | undefined>;
  /** Quarantine or release; audited and announced by identity (the gateway narrows the session). */
  setDeviceState(deviceId: string, state: 'quarantined' | 'active', actor: string): Promise<void>;
  /** Revokes the device's certificates (audited by identity). */
  revokeDevice(deviceId: string, actor: string): Promise<void>;
  /** Closes the live MQTT session. */
  disconnect(deviceId: string): void;
  /** Forces the device onto its model's newest release (a one-device rollout); unset: "not available". */
  forceUpdate?(deviceId: string, actor: string): Promise<StepOutcome>;
  /** A webhook HMAC key by name; undefined when not configured. */
  secret(name: string): string | undefined;
}

export type StepStatus = 'done' | 'unchanged' | 'not-available' | 'failed' | 'delivered' | 'dead-lettered';

export interface StepOutcome {
  readonly status: StepStatus;
  readonly detail?: Record<string, unknown>;
}

export interface StepContext {
  readonly store: Store;
  readonly now: () => Date;
  readonly hooks: ResponseHooks;
  readonly actor: string;
  readonly deviceId: string;
  readonly event: Record<string, unknown>;
  readonly notify: NotifyOptions;
}

/** Runs one step. Each is idempotent on its own too: quarantining a quarantined device changes nothing. */
export async function runStep(step: Step, c: StepContext): Promise<StepOutcome> {
  const state = await c.hooks.deviceState(c.deviceId);
  switch (step.action) {
    case 'quarantine':
      if (state !== 'active') return { status: 'unchanged', detail: { state: state ?? null } };
      await c.hooks.setDeviceState(c.deviceId, 'quarantined', c.actor);
      return { status: 'done' };
    case 'revoke':
      if (state === 'revoked' || state === 'retired') return { status: 'unchanged', detail: { state } };
      await c.hooks.revokeDevice(c.deviceId, c.actor);
      c.hooks.disconnect(c.deviceId);
      return { status: 'done' };
    case 'force-update':
      if (c.hooks.forceUpdate === undefined) {
        return {
          status: 'not-available',
          detail: { reason: 'no OTA rollout machinery wired to the response capability' },
        };
      }
      return c.hooks.forceUpdate(c.deviceId, c.actor);
    case 'notify': {
      const key = c.hooks.secret(step.secret);
      if (key === undefined) return { status: 'failed', detail: { reason: `no key ${step.secret}` } };
      const d = await deliverWebhook(c.store, c.now, step.url, key, c.event, step.attempts ?? 5, c.notify);
      return { status: d.status, detail: { attempts: d.attempts, ...(d.lastError ? { lastError: d.lastError } : {}) } };
    }
  }
}
