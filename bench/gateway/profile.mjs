// Profiles the gateway's publish path alone: our gateway in this process with a no-op ingest
// hook (or the real TelemetryWriter into PGlite with --ingest writer), the load generator of
// run.mjs in a child. Build first, then:
//   node bench/gateway/profile.mjs [--qos 0|1] [--ingest noop|writer] [--out run.cpuprofile | --heap]
// The CPU profile covers the publishing window only; read its top self-time frames with
// `node bench/gateway/top-frames.mjs run.cpuprofile`. --heap prints the top allocation sites instead.
import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseTelemetry } from '@fleetward/protocol';
import { createGateway } from '../../packages/server/dist/gateway/index.js';
import { systemClock } from '../../packages/server/dist/kernel/index.js';
import { openStore } from '../../packages/server/dist/store/index.js';
import { TelemetryWriter } from '../../packages/server/dist/telemetry/index.js';
import { commonName, TestPki } from '../../packages/server/dist/gateway/test-pki.js';

/**
 * The benchmark's authenticate hook caches each certificate's device id by the SHA-256 of its DER:
 * keyed by the DER itself (about 600 bytes of base64), the cache counted against the gateway's
 * idle memory per connection.
 */
const certKey = (der) => createHash('sha256').update(der).digest('base64');

const { values } = parseArgs({
  options: {
    qos: { type: 'string', default: '0' },
    handshakes: { type: 'boolean', default: false },
    ingest: { type: 'string', default: 'noop' },
    devices: { type: 'string', default: '200' },
    ms: { type: 'string', default: '5000' },
    out: { type: 'string' },
    heap: { type: 'boolean', default: false },
    linger: { type: 'string', default: '0' },
    rows: { type: 'string', default: '5000' },
  },
});
const dir = await mkdtemp(join(tmpdir(), 'fw-bench-profile-'));
const pki = await TestPki.create();
const creds = [];
for (let i = 0; i < Number(values.devices); i++) creds.push(await pki.device(`bench-${i}`, { sharedKey: true }));

let store;
let ingestTelemetry = async () => undefined;
let stored = () => 0;
let commits = 0;
if (values.ingest === 'writer') {
  store = await openStore({ dataDir: join(dir, 'pglite') });
  await store.query(
    `insert into devices (id, model, enrolled_via, enrolled_at, updated_at)
     select id, 'bench', 'claim', now(), now() from unnest($1::text[]) as t(id)`,
    [creds.map((c) => c.id)],
  );
  const query = store.query.bind(store);
  store.query = (text, params) => {
    if (/^(insert into telemetry|with chunks)/.test(text)) commits++;
    return query(text, params);
  };
  const writer = new TelemetryWriter(store, systemClock, {
    maxDelayMs: Number(values.linger),
    maxRows: Number(values.rows),
  });
  let n = 0;
  ingestTelemetry = (id, payload) => writer.write(id, parseTelemetry(payload)).then(() => void n++);
  stored = () => n;
}
const names = new Map();
const gateway = createGateway({
  tls: { key: pki.server.keyPem, cert: pki.server.certPem, ca: pki.caPems },
  hooks: {
    authenticate: async (der) => {
      const key = certKey(der); // the CN of a verified chain, parsed once per certificate
      let id = names.get(key);
      if (id === undefined) names.set(key, (id = commonName(der)));
      return { deviceId: id, state: 'active' };
    },
    ingestTelemetry,
  },
  limits: { connectRate: { perSecond: 1e9, burst: 1e9 }, messageRate: { perSecond: 1e9, burst: 1e9 } },
});
const { port } = await gateway.listen(0, '127.0.0.1');
const load = fork(new URL('./load.mjs', import.meta.url), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const call = (op, args) =>
  new Promise((resolve, reject) => {
    load.once('message', (m) => (m.ok ? resolve(m.result) : reject(new Error(m.error))));
    load.send({ ...args, op, id: 0 });
  });
const wire = (c) => ({ id: c.id, cert: c.certPem, key: c.keyPem });
const session = new Session();
async function startProfile() {
  if (values.heap) {
    session.connect();
    await session.post('HeapProfiler.startSampling', {
      samplingInterval: 4096,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
    return;
  }
  if (!values.out) return;
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
}
async function stopProfile() {
  if (values.heap) {
    const { profile } = await session.post('HeapProfiler.stopSampling');
    printAllocations(profile.head);
    session.disconnect();
    return;
  }
  if (!values.out) return;
  const { profile } = await session.post('Profiler.stop');
  await writeFile(values.out, JSON.stringify(profile));
  session.disconnect();
}
/** --heap: the top allocation sites (self bytes sampled) of the publishing window. */
function printAllocations(head) {
  const sites = new Map();
  let total = 0;
  const walk = (node) => {
    const f = node.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`;
    sites.set(key, (sites.get(key) ?? 0) + node.selfSize);
    total += node.selfSize;
    for (const c of node.children) walk(c);
  };
  walk(head);
  for (const [k, v] of [...sites].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
    console.log(`${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`);
  }
}

if (values.handshakes) {
  // Full mTLS handshakes + CONNECT from 16 devices in a loop, instead of the fan-in.
  await startProfile();
  const cpu0 = process.cpuUsage();
  const r = await call('handshakes', {
    port,
    ca: pki.caBundle,
    creds: creds.slice(0, 16).map(wire),
    ms: Number(values.ms),
  });
  const cpu = process.cpuUsage(cpu0);
  await stopProfile();
  const perHandshake = (cpu.user + cpu.system) / Math.max(1, r.count);
  console.log(
    JSON.stringify({
      handshakes: r.count,
      perSecond: r.count / (Number(values.ms) / 1000),
      cpuUsPerHandshake: Math.round(perHandshake),
    }),
  );
  load.kill();
  await gateway.close();
  process.exit(0);
}
await call('connect', { port, ca: pki.caBundle, creds: creds.map(wire) });
await startProfile();
const cpu0 = process.cpuUsage();
const commits0 = commits;
const n0 = gateway.stats().messagesIn;
const r = await call('run', { ms: Number(values.ms), qos: Number(values.qos) });
const cpu = process.cpuUsage(cpu0);
const n1 = gateway.stats().messagesIn;
await stopProfile();
const msgs = n1.qos0 + n1.qos1 - n0.qos0 - n0.qos1;
console.log(
  JSON.stringify({
    qos: Number(values.qos),
    ingest: values.ingest,
    received: msgs,
    stored: stored(),
    rowsPerCommit: Math.round(msgs / Math.max(1, commits - commits0)),
    acked: r.acked,
    perSecond: Math.round(msgs / r.elapsed),
    cpuUsPerMsg: +((cpu.user + cpu.system) / Math.max(1, msgs)).toFixed(1),
  }),
);
load.kill();
await gateway.close();
await store?.close();
await rm(dir, { recursive: true, force: true });
