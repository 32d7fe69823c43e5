import * as assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  FixedClock,
  FleetEvents,
  silentLogger,
  type AuditEntry,
  type Context,
  type DeviceState,
} from '../kernel/index.js';
import { Monitor } from '../monitor/index.js';
import { openStore, type Store } from '../store/index.js';
import { getIncident, listIncidents } from './incidents.js';
import { Responder } from './responder.js';
import { putPlaybook } from './playbooks/store.js';
import type { ResponseHooks } from './steps.js';

class MemoryAudit {
  readonly entries: AuditEntry[] = [];
  async append(entry: AuditEntry): Promise<void> {
    this.entries.push(entry);
  }
}

const MIRAI = {
  metrics: { 'listening-tcp-ports': [23, 48101], 'established-tcp-connections': [{ 'remote-addr': '1.2.3.4:23' }] },
};
const report = (body: unknown) => Buffer.from(JSON.stringify(body));

describe('Responder (playbooks on a monitor, in-memory store)', () => {
  let store: Store;
  let ctx: Context;
  let audit: MemoryAudit;
  let monitor: Monitor;
  let responder: Responder;
  const clock = new FixedClock('2026-11-01T00:00:00Z');
  const states = new Map<string, DeviceState>();
  const hooks: ResponseHooks = {
    deviceState: async (id) => states.get(id),
    setDeviceState: async (id, state, actor) => {
      states.set(id, state);
      await audit.append({ actor, action: `device.${state}`, target: `device:${id}` });
    },
    revokeDevice: async (id) => void states.set(id, 'revoked'),
    disconnect: () => undefined,
    secret: (name) => (name === 'HOOK' ? 'webhook-key-for-tests' : undefined),
  };
  const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
  let failNext = 0;
  let web: Server;
  let url = '';

  before(async () => {
    store = await openStore();
    audit = new MemoryAudit();
    ctx = { store, clock, events: new FleetEvents(), log: silentLogger, audit };
    for (const id of ['dev-a', 'dev-b', 'dev-c']) {
      await store.query(
        `insert into devices (id, model, state, enrolled_via, enrolled_at, updated_at) values ($1, 'cam', 'active', 'claim', $2, $2)`,
        [id, clock.now()],
      );
      states.set(id, 'active');
    }
    web = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        if (failNext > 0) {
          failNext--;
          res.statusCode = 503;
          res.end();
          return;
        }
        received.push({ headers: req.headers, body });
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(web.address() as AddressInfo).port}/hook`;
    monitor = await Monitor.open(ctx, { windowMs: 60_000 });
    responder = await Responder.open(ctx, hooks, { notify: { backoffMs: 1, timeoutMs: 2_000 } });
    monitor.onAlert((e) => responder.handle(e));
  });

  after(async () => {
    await monitor.close();
    await new Promise((resolve) => web.close(resolve));
    await store.close();
  });

  it('quarantines a device caught listening on backdoor ports (default playbook), one audited step', async () => {
    await monitor.ingestMetrics('dev-a', report(MIRAI));
    await monitor.settled();
    assert.equal(states.get('dev-a'), 'quarantined');
    const [incident] = await listIncidents(store, { deviceId: 'dev-a' });
    assert.equal(incident?.state, 'contained');
    const steps = audit.entries.filter((e) => e.action === 'incident.step.quarantine');
    assert.equal(steps.length, 1);
    assert.equal(steps[0]!.actor, 'playbook:contain-compromised');
    assert.equal(steps[0]!.target, 'device:dev-a');
  });

  it('groups later alerts of the device into the same incident and runs no step twice', async () => {
    await monitor.ingestMetrics('dev-a', report(MIRAI));
    await monitor.settled();
    const incidents = await listIncidents(store, { deviceId: 'dev-a' });
    assert.equal(incidents.length, 1);
    const detail = await getIncident(store, incidents[0]!.id);
    assert.equal(detail.timeline.filter((t) => t.entry === 'alert').length, 2); // backdoor-listener, telnet-scan
    assert.equal(detail.timeline.filter((t) => t.entry === 'step').length, 1);
  });

  it('changes nothing when an incident is replayed (idempotent steps, no new audit entry)', async () => {
    const [incident] = await listIncidents(store, { deviceId: 'dev-a' });
    const before = await getIncident(store, incident!.id);
    const audited = audit.entries.length;
    states.set('dev-a', 'quarantined');
    const replayed = await responder.replay(incident!.id);
    assert.deepEqual(replayed, before);
    assert.equal(audit.entries.length, audited);
    assert.equal(states.get('dev-a'), 'quarantined');
  });

  it('signs webhook notifications with HMAC-SHA-256 over timestamp.body and retries on errors', async () => {
    await putPlaybook(
      store,
      audit,
      clock.now(),
      {
        name: 'page-on-call',
        trigger: { kinds: ['*'], minSeverity: 'high' },
        steps: [{ action: 'notify', url, secret: 'HOOK', attempts: 3 }, { action: 'force-update' }],
      },
      'operator:alice',
    );
    await responder.reloadPlaybooks();
    failNext = 1;
    await monitor.ingestMetrics('dev-b', report(MIRAI));
    await monitor.settled();
    assert.equal(received.length, 1);
    const { headers, body } = received[0]!;
    const ts = String(headers['x-fleetward-timestamp']);
    const mac = createHmac('sha256', 'webhook-key-for-tests').update(`${ts}.${body}`).digest('hex');
    assert.equal(headers['x-fleetward-signature'], `sha256=${mac}`);
    assert.equal(JSON.parse(body).device, 'dev-b');
    const [incident] = await listIncidents(store, { deviceId: 'dev-b' });
    const steps = (await getIncident(store, incident!.id)).timeline.filter((t) => t.entry === 'step');
    const byAction = Object.fromEntries(steps.map((s) => [s.details['action'], s.details]));
    assert.equal(byAction['notify']?.['status'], 'delivered');
    assert.equal(byAction['notify']?.['attempts'], 2);
    assert.equal(byAction['force-update']?.['status'], 'not-available');
    for (const action of ['quarantine', 'notify', 'force-update']) {
      assert.ok(
        audit.entries.some((e) => e.action === `incident.step.${action}` && e.target === 'device:dev-b'),
        action,
      );
    }
  });

  it('dead-letters a notification after the last failed attempt', async () => {
    failNext = 3;
    await monitor.ingestMetrics('dev-c', report(MIRAI));
    await monitor.settled();
    const r = await store.query<{ attempts: number; last_error: string }>(
      'select attempts, last_error from notify_dead_letters',
    );
    assert.equal(r.rows.length, 1);
    assert.equal(r.rows[0]!.attempts, 3);
    assert.equal(r.rows[0]!.last_error, 'HTTP 503');
  });

  it('releases a contained device by hand: active again, incident resolved, audited', async () => {
    const [incident] = await listIncidents(store, { deviceId: 'dev-a' });
    const released = await responder.release(incident!.id, 'operator:alice', 'reimaged');
    assert.equal(released.state, 'resolved');
    assert.equal(states.get('dev-a'), 'active');
    assert.ok(audit.entries.some((e) => e.action === 'incident.release' && e.target === `incident:${incident!.id}`));
    await assert.rejects(responder.release(incident!.id, 'operator:alice'), {
      code: 'FW_RESPONSE_INCIDENT_STATE_CONFLICT',
    });
  });

  it('refuses a playbook with an unknown action or a clear-text webhook (FW_RESPONSE_PLAYBOOK_INVALID)', async () => {
    const bad = [
      { name: 'x', trigger: { kinds: ['*'], minSeverity: 'high' }, steps: [{ action: 'wipe' }] },
      {
        name: 'x',
        trigger: { kinds: ['*'], minSeverity: 'high' },
        steps: [{ action: 'notify', url: 'http://example.com/', secret: 'K' }],
      },
      { name: 'x', trigger: { kinds: ['pwned'], minSeverity: 'high' }, steps: [{ action: 'quarantine' }] },
    ];
    for (const b of bad) {
      await assert.rejects(putPlaybook(store, audit, clock.now(), b, 'operator:alice'), {
        code: 'FW_RESPONSE_PLAYBOOK_INVALID',
      });
    }
  });
});
