// Where an idle mTLS + MQTT connection's memory goes in our gateway (not a test): N idle
// connections from the load generator, then process.memoryUsage() split (RSS, V8 heap, external,
// array buffers) per connection, after a full GC. Build first, then:
//   node --expose-gc bench/gateway/idle-memory.mjs [connections=3000] [--sites]
import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { Session } from 'node:inspector/promises';
import { setTimeout } from 'node:timers';
import { createGateway } from '../../packages/server/dist/gateway/index.js';
import { commonName, TestPki } from '../../packages/server/dist/gateway/test-pki.js';

/**
 * The benchmark's authenticate hook caches each certificate's device id by the SHA-256 of its DER:
 * keyed by the DER itself (about 600 bytes of base64), the cache counted against the gateway's
 * idle memory per connection.
 */
const certKey = (der) => createHash('sha256').update(der).digest('base64');

const N = Number(process.argv[2] ?? 3000);
const SITES = process.argv.includes('--sites'); // also print where the retained heap was allocated
const gc = globalThis.gc ?? (() => undefined);
const pki = await TestPki.create();
const creds = [];
for (let i = 0; i < N; i++) creds.push(await pki.device(`idle-${i}`, { sharedKey: true }));
const names = new Map();
const gateway = createGateway({
  tls: { key: pki.server.keyPem, cert: pki.server.certPem, ca: pki.caPems },
  hooks: {
    authenticate: async (der) => {
      const key = certKey(der);
      let id = names.get(key);
      if (id === undefined) names.set(key, (id = commonName(der)));
      return { deviceId: id, state: 'active' };
    },
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
const settle = async () => {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 300));
  }
  return process.memoryUsage();
};
const session = new Session();
if (SITES) {
  session.connect();
  await session.post('HeapProfiler.startSampling', { samplingInterval: 1024 });
}
const before = await settle();
const r = await call('idle', {
  port,
  ca: pki.caBundle,
  creds: creds.map((c) => ({ id: c.id, cert: c.certPem, key: c.keyPem })),
});
const after = await settle();
const per = (k) => ((after[k] - before[k]) / r.connected / 1024).toFixed(1);
console.log(`${r.connected} idle connections, KiB per connection:`);
console.log(
  `  rss ${per('rss')}  heapUsed ${per('heapUsed')}  heapTotal ${per('heapTotal')}  external ${per('external')}  arrayBuffers ${per('arrayBuffers')}`,
);
if (SITES) {
  const { profile } = await session.post('HeapProfiler.stopSampling');
  const sites = new Map();
  const walk = (node, stack) => {
    const f = node.callFrame;
    const here = `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`;
    const key = [...stack.slice(-2), here].join(' < ');
    sites.set(key, (sites.get(key) ?? 0) + node.selfSize);
    for (const c of node.children) walk(c, [...stack, here]);
  };
  walk(profile.head, []);
  console.log('live heap by allocation site (bytes per connection, sampled):');
  for (const [k, v] of [...sites].sort((a, b) => b[1] - a[1]).slice(0, 30)) {
    console.log(`${String(Math.round(v / r.connected)).padStart(6)}  ${k}`);
  }
}
load.kill();
await gateway.close();
process.exit(0);
