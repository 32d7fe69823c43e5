// Where an idle mTLS + MQTT connection's memory goes in our gateway (not a test): N idle
// connections from the load generator, then process.memoryUsage() split (RSS, V8 heap, external,
// array buffers) per connection, after a full GC. Build first, then:
//   node --expose-gc bench/gateway/idle-memory.mjs [connections=3000]
import { fork } from 'node:child_process';
import { setTimeout } from 'node:timers';
import { createGateway } from '../../packages/server/dist/gateway/index.js';
import { commonName, TestPki } from '../../packages/server/dist/gateway/test-pki.js';

const N = Number(process.argv[2] ?? 3000);
const gc = globalThis.gc ?? (() => undefined);
const pki = await TestPki.create();
const creds = [];
for (let i = 0; i < N; i++) creds.push(await pki.device(`idle-${i}`, { sharedKey: true }));
const names = new Map();
const gateway = createGateway({
  tls: { key: pki.server.keyPem, cert: pki.server.certPem, ca: pki.caPems },
  hooks: {
    authenticate: async (der) => {
      const key = der.toString('base64');
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
load.kill();
await gateway.close();
process.exit(0);
