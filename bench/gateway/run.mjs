// Benchmark: the Fleetward MQTT gateway against Debian's mosquitto, loopback only, alternating
// A/B rounds. Build first (`npx tsc -b`), then: `node bench/gateway/run.mjs [--rounds 2] [--idle 5000]`.
// Ours runs in this process (CPU from process.cpuUsage, memory from RSS) twice: `fleetward`
// persists every telemetry message through the TelemetryWriter (group commit into an embedded,
// durable PGlite store) before it counts it (and before the QoS 1 PUBACK), `fleetward-relay`
// has a no-op ingest hook (the MQTT path alone, like mosquitto's relay). mosquitto runs as a
// child (CPU and memory from /proc/<pid>) and relays to one subscriber. The load generators
// are separate processes. Rates are measured from the first publish (connections are made
// before). Idle memory is measured first, before any fan-in, 5,000 mTLS connections per broker
// from the same load process.
// FLEETWARD_BENCH_DATABASE_URL=postgresql://… adds `fleetward-pg`: the same gateway persisting to
// a PostgreSQL server (a fresh schema, dropped after), the scaled setup; its CPU per message adds
// the CPU of every process named postgres on this machine during the run.
import { setTimeout } from 'node:timers';
import { fork, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createGateway } from '../../packages/server/dist/gateway/index.js';
import { commonName, TestPki } from '../../packages/server/dist/gateway/test-pki.js';
import { systemClock } from '../../packages/server/dist/kernel/index.js';
import { openStore } from '../../packages/server/dist/store/index.js';
import { TelemetryWriter } from '../../packages/server/dist/telemetry/index.js';
import pg from 'pg';

/**
 * The benchmark's authenticate hook caches each certificate's device id by the SHA-256 of its DER:
 * keyed by the DER itself (about 600 bytes of base64), the cache counted against the gateway's
 * idle memory per connection.
 */
const certKey = (der) => createHash('sha256').update(der).digest('base64');

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '2' }, idle: { type: 'string', default: '5000' } },
});
const ROUNDS = Number(values.rounds);
const IDLE = Number(values.idle);
const FANIN_DEVICES = 200;
const HANDSHAKE_MS = 3000;
const FANIN_MS = 4000;
const TICK_US = 1e6 / 100; // /proc clock ticks (USER_HZ 100)
const PG_URL = process.env.FLEETWARD_BENCH_DATABASE_URL;

const METRICS = [
  // label, key, target ratio (ours / mosquitto), which of ours
  ['full mTLS handshakes/s (+CONNECT)', 'handshakes/s', 0.9, 'fleetward'],
  ['broker CPU µs per full handshake', 'cpu µs/handshake', undefined, 'fleetward'],
  ['TLS 1.3 resumed handshakes/s', 'resumed/s', 0.9, 'fleetward'],
  ['broker CPU µs per resumed handshake', 'cpu µs/resumed', undefined, 'fleetward'],
  ['QoS 0 fan-in msgs/s, ours persisted', 'qos0 msgs/s', 0.8, 'fleetward'],
  ['QoS 0 broker CPU µs/msg, ours persisted', 'qos0 cpu µs/msg', undefined, 'fleetward'],
  ['QoS 1 fan-in msgs/s, ours persisted before PUBACK', 'qos1 msgs/s', 1.0, 'fleetward'],
  ['QoS 1 broker CPU µs/msg, ours persisted', 'qos1 cpu µs/msg', undefined, 'fleetward'],
  ['QoS 0 fan-in msgs/s, ours relay only (no-op ingest)', 'qos0 msgs/s', undefined, 'fleetward-relay'],
  ['QoS 0 broker CPU µs/msg, ours relay only', 'qos0 cpu µs/msg', undefined, 'fleetward-relay'],
  ['QoS 1 fan-in msgs/s, ours relay only (no-op ingest)', 'qos1 msgs/s', undefined, 'fleetward-relay'],
  ['QoS 1 broker CPU µs/msg, ours relay only', 'qos1 cpu µs/msg', undefined, 'fleetward-relay'],
  ...(PG_URL
    ? [
        ['QoS 0 fan-in msgs/s, ours persisted to PostgreSQL', 'qos0 msgs/s', undefined, 'fleetward-pg'],
        ['QoS 0 CPU µs/msg, ours + PostgreSQL', 'qos0 cpu µs/msg', undefined, 'fleetward-pg'],
        ['QoS 1 fan-in msgs/s, ours persisted to PostgreSQL', 'qos1 msgs/s', undefined, 'fleetward-pg'],
        ['QoS 1 CPU µs/msg, ours + PostgreSQL', 'qos1 cpu µs/msg', undefined, 'fleetward-pg'],
      ]
    : []),
];

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');

const dir = await mkdtemp(join(tmpdir(), 'fw-bench-gateway-'));
const children = [];
try {
  await main();
} finally {
  for (const c of children) c.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
}

async function main() {
  const t0 = Date.now();
  const pki = await TestPki.create();
  const ids = Array.from({ length: Math.max(IDLE, FANIN_DEVICES) }, (_, i) => `bench-${String(i).padStart(5, '0')}`);
  const creds = [];
  for (const id of ids) creds.push(await pki.device(id, { sharedKey: true }));
  const collector = await pki.device('collector', { sharedKey: true });
  const wire = (c) => ({ id: c.id, cert: c.certPem, key: c.keyPem });
  const ca = pki.caBundle;
  console.log(`# ${creds.length} device certificates in ${Date.now() - t0} ms`);

  const ours = await startOurs(pki, ids, { persist: true });
  const relay = await startOurs(pki, ids, { persist: false });
  const onPg = PG_URL ? await startOurs(pki, ids, { persist: true, databaseUrl: PG_URL }) : undefined;
  const mosq = await startMosquitto(pki, collector);
  const load = loader();
  const sink = loader();

  // Resident memory per idle mTLS + MQTT connection, before any fan-in (so no broker holds
  // buffers or queues from earlier rounds), the same load process type for both.
  const memory = {};
  for (const b of [ours, mosq]) {
    gc();
    await new Promise((res) => setTimeout(res, 500));
    const before = await b.measure();
    const r = await load.call('idle', { port: b.port, ca, creds: creds.slice(0, IDLE).map(wire) });
    await new Promise((res) => setTimeout(res, 1000));
    gc();
    const after = await b.measure();
    memory[b.name] = {
      connected: r.connected,
      bytesPerConn: (after.rssBytes - before.rssBytes) / Math.max(1, r.connected),
    };
    console.error(
      `# ${b.name} idle: ${r.connected} connections, RSS ${before.rssBytes >> 20} -> ${after.rssBytes >> 20} MiB`,
    );
    await load.call('close', {});
    await new Promise((res) => setTimeout(res, 1000));
  }

  const results = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const order = [ours, relay, ...(onPg ? [onPg] : []), mosq];
    for (const b of round % 2 ? order : order.reverse()) {
      const row = { round, broker: b.name };
      if (b === ours || b === mosq) {
        for (const resume of [false, true]) {
          const before = await b.measure();
          const r = await load.call('handshakes', {
            port: b.port,
            ca,
            creds: creds.slice(0, 16).map(wire),
            ms: HANDSHAKE_MS,
            resume,
          });
          row[resume ? 'resumed/s' : 'handshakes/s'] = r.count / (HANDSHAKE_MS / 1000);
          const cpuUs = (await b.measure()).cpuUs - before.cpuUs;
          row[resume ? 'cpu µs/resumed' : 'cpu µs/handshake'] = cpuUs / Math.max(1, r.count);
          if (resume) row.resumedShare = r.resumed / Math.max(1, r.count);
        }
      }
      for (const qos of [0, 1]) {
        if (b === mosq) await sink.call('collect', { port: b.port, ca, cred: wire(collector), qos });
        await load.call('connect', { port: b.port, ca, creds: creds.slice(0, FANIN_DEVICES).map(wire) });
        const before = await b.measure();
        const tStart = performance.now();
        const r = await load.call('run', { ms: FANIN_MS, qos });
        await new Promise((res) => setTimeout(res, 300)); // let the tail settle
        await b.settle?.();
        const after = await b.measure();
        const seconds = (performance.now() - tStart) / 1000;
        const delivered = b === mosq ? (await sink.call('count', {})).collected : after.stored - before.stored;
        if (b === mosq) await sink.call('close', {});
        row[`qos${qos} msgs/s`] = delivered / seconds;
        row[`qos${qos} cpu µs/msg`] = (after.cpuUs - before.cpuUs) / Math.max(1, delivered);
        console.error(
          `# ${b.name} qos${qos}: sent ${r.sent} acked ${r.acked} delivered ${delivered} in ${seconds.toFixed(1)} s`,
        );
      }
      results.push(row);
      console.log(JSON.stringify(row));
    }
  }

  printTable(results, memory);
  printChart(results, memory);
  await ours.close();
  await relay.close();
  await onPg?.close();
  await mosq.close();
  load.kill();
  sink.kill();
  console.log(`# total ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

function mean(rows, broker, key) {
  const xs = rows.filter((r) => r.broker === broker && r[key] !== undefined).map((r) => r[key]);
  return xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
}

function ratios(rows, memory) {
  const out = METRICS.map(([label, key, target, which]) => {
    const a = mean(rows, which, key);
    const b = mean(rows, 'mosquitto', key);
    return { label, a, b, ratio: a / b, target, lower: key.includes('cpu') };
  });
  const ma = memory.fleetward.bytesPerConn / 1024;
  const mb = memory.mosquitto.bytesPerConn / 1024;
  const conns = `${memory.fleetward.connected}/${memory.mosquitto.connected}`;
  out.push({
    label: `RSS KiB per idle mTLS connection (${conns})`,
    a: ma,
    b: mb,
    ratio: ma / mb,
    max: 1.5,
    lower: true,
  });
  return out;
}

function verdict(r) {
  if (r.target !== undefined) return r.ratio >= r.target ? 'met' : 'NOT met';
  if (r.max !== undefined) return r.ratio <= r.max ? 'met' : 'NOT met';
  return '';
}

function printTable(rows, memory) {
  console.log('\n| metric | fleetward | mosquitto | ratio | target | |');
  console.log('|---|---:|---:|---:|---|---|');
  for (const r of ratios(rows, memory)) {
    const target = r.target !== undefined ? `>= ${r.target}` : r.max !== undefined ? `<= ${r.max}` : '';
    console.log(
      `| ${r.label} | ${r.a.toFixed(1)} | ${r.b.toFixed(1)} | ${r.ratio.toFixed(2)} | ${target} | ${verdict(r)} |`,
    );
  }
  console.log(
    `| resumed share (ours, mosquitto) | ${mean(rows, 'fleetward', 'resumedShare').toFixed(2)} | ${mean(rows, 'mosquitto', 'resumedShare').toFixed(2)} | | | |`,
  );
}

/** Ratios ours / mosquitto as bars ('|' marks 1.0, '^' the target); CPU and memory: lower is better. */
function printChart(rows, memory) {
  const WIDTH = 40;
  const SCALE = 2; // the bar's full width is a ratio of 2
  const col = (x) => Math.min(WIDTH, Math.round((x / SCALE) * WIDTH));
  console.log(`\nratio fleetward / mosquitto (bar width ${SCALE}.0; | = 1.0, ^ = target; > = off the scale)`);
  for (const r of ratios(rows, memory)) {
    if (!Number.isFinite(r.ratio)) continue;
    const bar = Array.from({ length: WIDTH }, (_, i) => (i < col(r.ratio) ? '#' : ' '));
    bar[col(1) - 1] = bar[col(1) - 1] === '#' ? '#' : '|';
    const mark = r.target ?? r.max;
    if (mark !== undefined) bar[Math.max(0, col(mark) - 1)] = '^';
    const over = r.ratio > SCALE ? '>' : ' ';
    const better = r.lower ? '(lower is better)' : '';
    console.log(
      `${r.label.padEnd(52).slice(0, 52)} ${bar.join('')}${over} ${r.ratio.toFixed(2)} ${verdict(r)} ${better}`,
    );
  }
}

/**
 * Our gateway in this process. persist: telemetry goes through the TelemetryWriter (validated,
 * group commit into a durable PGlite store, or a PostgreSQL server) and counts once committed;
 * else a no-op hook.
 */
async function startOurs(pki, ids, { persist, databaseUrl }) {
  let stored = 0;
  let writer;
  let store;
  let dropSchema;
  let ingestTelemetry = async () => void stored++;
  if (persist) {
    if (databaseUrl) {
      const schema = `fw_bench_${randomBytes(4).toString('hex')}`;
      await pgAdmin(databaseUrl, `create schema ${schema}`);
      dropSchema = () => pgAdmin(databaseUrl, `drop schema ${schema} cascade`);
      store = await openStore({ databaseUrl, schema, poolSize: 4 });
    } else store = await openStore({ dataDir: join(dir, 'pglite') });
    const now = new Date();
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      await store.query(
        `insert into devices (id, model, enrolled_via, enrolled_at, updated_at)
         select id, 'bench', 'claim', $2, $2 from unnest($1::text[]) as t(id)`,
        [chunk, now],
      );
    }
    writer = new TelemetryWriter(store, systemClock);
    ingestTelemetry = (deviceId, payload) => writer.ingest(deviceId, payload).then(() => void stored++);
  }
  const byFingerprint = new Map(); // the authenticate hook of the benchmark: CN of a verified chain
  const gateway = createGateway({
    tls: { key: pki.server.keyPem, cert: pki.server.certPem, ca: pki.caPems },
    hooks: {
      authenticate: async (der) => {
        const key = certKey(der);
        let id = byFingerprint.get(key);
        if (id === undefined) byFingerprint.set(key, (id = commonName(der)));
        return { deviceId: id, state: 'active' };
      },
      ingestTelemetry,
    },
    limits: {
      connectRate: { perSecond: 1e9, burst: 1e9 },
      messageRate: { perSecond: 1e9, burst: 1e9 },
    },
  });
  const { port } = await gateway.listen(0, '127.0.0.1');
  return {
    name: databaseUrl ? 'fleetward-pg' : persist ? 'fleetward' : 'fleetward-relay',
    port,
    measure: async () => {
      const cpu = process.cpuUsage();
      const pgUs = databaseUrl ? await processCpuUs('postgres') : 0;
      return { cpuUs: cpu.user + cpu.system + pgUs, rssBytes: process.memoryUsage().rss, stored };
    },
    settle: () => writer?.flush(),
    close: async () => {
      await gateway.close();
      await writer?.close();
      await store?.close();
      await dropSchema?.();
    },
  };
}

async function pgAdmin(url, sql) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** CPU time (user + system, µs) of every process on this machine named `name`. */
async function processCpuUs(name) {
  let ticks = 0;
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    const close = stat.lastIndexOf(') ');
    if (close < 0 || stat.slice(stat.indexOf('(') + 1, close) !== name) continue;
    const f = stat.slice(close + 2).split(' ');
    ticks += Number(f[11]) + Number(f[12]);
  }
  return ticks * TICK_US;
}

async function startMosquitto(pki, collector) {
  const port = await freePort();
  await pki.writeFiles(dir, [pki.server, collector]);
  await writeFile(join(dir, 'acl'), 'pattern readwrite devices/%u/#\nuser collector\ntopic read devices/#\n');
  await writeFile(
    join(dir, 'mosquitto.conf'),
    [
      'per_listener_settings false',
      `user ${userInfo().username}`, // no privilege drop: the files are private to this user
      `listener ${port} 127.0.0.1`,
      `cafile ${join(dir, 'ca.pem')}`,
      `certfile ${join(dir, 'localhost.crt')}`,
      `keyfile ${join(dir, 'localhost.key')}`,
      'require_certificate true',
      'use_identity_as_username true',
      `acl_file ${join(dir, 'acl')}`,
      'persistence false',
      'max_queued_messages 1000000',
      'max_inflight_messages 100',
      'log_dest none',
      '',
    ].join('\n'),
  );
  const child = spawn('mosquitto', ['-c', join(dir, 'mosquitto.conf')], { stdio: ['ignore', 'ignore', 'inherit'] });
  children.push(child);
  await waitForPort(port);
  return {
    name: 'mosquitto',
    port,
    measure: async () => {
      const stat = (await readFile(`/proc/${child.pid}/stat`, 'utf8')).split(') ')[1].split(' ');
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
      const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)[1]);
      return { cpuUs: (Number(stat[11]) + Number(stat[12])) * TICK_US, rssBytes: rssKb * 1024, stored: 0 };
    },
    close: async () => child.kill('SIGTERM'),
  };
}

function loader() {
  const child = fork(new URL('./load.mjs', import.meta.url), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  children.push(child);
  let next = 0;
  const waiting = new Map();
  child.on('message', (m) => {
    const w = waiting.get(m.id);
    waiting.delete(m.id);
    if (m.ok) w.resolve(m.result);
    else w.reject(new Error(m.error));
  });
  return {
    call: (op, args) =>
      new Promise((resolve, reject) => {
        const id = next++;
        waiting.set(id, { resolve, reject });
        child.send({ ...args, op, id });
      }),
    kill: () => child.kill(),
  };
}

function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port) {
  const { connect } = await import('node:net');
  for (let i = 0; i < 50; i++) {
    const ok = await new Promise((resolve) => {
      const s = connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('mosquitto did not start');
}
