#!/usr/bin/env node
// Fleet benchmark (not a test): a real `fleetward up` server process and N simulated mTLS devices
// in this process (the simulator), each sending one QoS 1 record every interval. Prints connect
// rate, steady CPU and memory of server and simulator, and memory per device on each side.
//
//   bench/fleet/run.sh --enroll-only [--devices 10000]     # once: EST enrollment, cached
//   bench/fleet/run.sh [--devices 10000] [--interval 10] [--steady 30] [--dir .tmp/bench-fleet]
//
// Loopback only. Devices are enrolled once (EST, like real ones; the server takes about 20
// enrollments/s here) and cached in the data dir, so the measured run starts at the connect phase
// and stays under 10 minutes. Connections are spread over source addresses
// 127.0.1.1-127.0.1.200, as devices come from many hosts: the gateway limits connection
// attempts per source address (50/s, burst 500) before any TLS work.
import { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Fleet, enrollFleet } from '@fleetward/sim';
import { startServer } from '../lib/server.mjs';

const { values } = parseArgs({
  options: {
    devices: { type: 'string', default: '10000' },
    interval: { type: 'string', default: '10' },
    steady: { type: 'string', default: '30' },
    dir: { type: 'string', default: '.tmp/bench-fleet' },
    handshakes: { type: 'string', default: '64' },
    'enroll-only': { type: 'boolean', default: false },
  },
});
const N = Number(values.devices);
const INTERVAL_MS = Number(values.interval) * 1000;
const STEADY_MS = Number(values.steady) * 1000;
const DIR = resolve(values.dir);
let DEADLINE = Date.now() + 9.5 * 60_000; // the measured run stays under 10 minutes
const TICKS = 100; // USER_HZ on Linux
const PAGE = 4096;

const say = (s) => process.stderr.write(`${s}\n`);
const mib = (bytes) => (bytes / 1048576).toFixed(0);

function procStat(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { cpuMs: ((Number(f[11]) + Number(f[12])) * 1000) / TICKS, rss: Number(f[21]) * PAGE };
}

function createClaim(server, model, uses) {
  const body = Buffer.from(JSON.stringify({ model, uses, ttlSeconds: 3600 }));
  return new Promise((resolve, reject) => {
    const req = request(
      `${server.https}/api/v1/claims`,
      {
        method: 'POST',
        ca: server.ca,
        headers: {
          authorization: `Bearer ${server.token}`,
          'content-type': 'application/json',
          'content-length': body.length,
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () =>
          res.statusCode === 201 || res.statusCode === 200 ? resolve(JSON.parse(text).token) : reject(new Error(text)),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const localAddresses = Array.from({ length: 200 }, (_, i) => `127.0.1.${i + 1}`);

say(`fleet benchmark: ${N} devices, one record per ${INTERVAL_MS / 1000} s each, ${STEADY_MS / 1000} s steady window`);
const server = await startServer(join(DIR, 'server'));
say(`server ${server.https} ${server.mqtts} (pid ${server.child.pid})`);
let fleet;
try {
  bench: {
    // 1. Enroll (or reuse) the fleet.
    const t0 = Date.now();
    let last = 0;
    const { devices, cached } = await enrollFleet({
      server: server.https,
      caPem: server.ca,
      dataDir: DIR,
      devices: N,
      model: 'mixed',
      concurrency: 16,
      createClaim: (model, uses) => createClaim(server, model, uses),
      onProgress: (done) => {
        if (done - last >= N / 10 || done === N) {
          last = done;
          say(`  enrolled ${done}/${N}`);
        }
      },
    });
    const enrollS = (Date.now() - t0) / 1000;
    say(`enrollment: ${N - cached} new, ${cached} cached, ${enrollS.toFixed(1)} s`);
    if (values['enroll-only']) break bench;
    DEADLINE = Date.now() + 9 * 60_000;

    // 2. Baselines, then connect with a ramp.
    globalThis.gc?.();
    await sleep(500);
    const serverBase = procStat(server.child.pid);
    const simBase = process.memoryUsage().rss;
    fleet = new Fleet({
      devices,
      mqttUrl: server.mqtts,
      intervalMs: INTERVAL_MS,
      handshakes: Number(values.handshakes),
      localAddresses,
      events: false,
    });
    const c0 = Date.now();
    const simCpu0 = process.cpuUsage();
    await fleet.start();
    let reported = 0;
    while (fleet.counts.connected < N && Date.now() < DEADLINE - STEADY_MS - 60_000) {
      await sleep(250);
      if (fleet.counts.connected - reported >= N / 10) {
        reported = fleet.counts.connected;
        say(`  connected ${reported}/${N} after ${((Date.now() - c0) / 1000).toFixed(1)} s`);
      }
    }
    const connectS = (Date.now() - c0) / 1000;
    const connected = fleet.counts.connected;
    const connectCpu = process.cpuUsage(simCpu0);
    const serverAfterConnect = procStat(server.child.pid);
    say(`connected ${connected}/${N} in ${connectS.toFixed(1)} s`);

    // 3. Steady state: sending for one interval to warm up, then the measured window.
    fleet.startSending();
    await sleep(INTERVAL_MS);
    const s1 = procStat(server.child.pid);
    const c1 = process.cpuUsage();
    const acked1 = fleet.counts.acknowledged;
    const w0 = Date.now();
    await sleep(STEADY_MS);
    const windowMs = Date.now() - w0;
    const s2 = procStat(server.child.pid);
    const c2 = process.cpuUsage(c1);
    const acked = fleet.counts.acknowledged - acked1;
    const simRss = process.memoryUsage().rss;
    const heap = process.memoryUsage().heapUsed;

    // 4. Stop, drain.
    fleet.stopSending();
    const drained = await fleet.drain(30_000);
    const summary = fleet.summary(Date.now() - c0);
    await fleet.stop();
    fleet = undefined;

    const pct = (ms) => `${((ms / windowMs) * 100).toFixed(0)} %`;
    const rows = [
      ['devices connected', `${connected} / ${N}`],
      ['connect time', `${connectS.toFixed(1)} s`],
      ['connect rate', `${(connected / connectS).toFixed(0)} devices/s`],
      [
        'server CPU while connecting',
        `${((serverAfterConnect.cpuMs - serverBase.cpuMs) / connectS / 10).toFixed(0)} % of a core`,
      ],
      [
        'simulator CPU while connecting',
        `${((connectCpu.user + connectCpu.system) / 1000 / connectS / 10).toFixed(0)} % of a core`,
      ],
      ['acknowledged in window', `${acked} (${((acked / windowMs) * 1000).toFixed(0)} msg/s)`],
      ['server CPU, steady', `${pct(s2.cpuMs - s1.cpuMs)} of a core`],
      ['simulator CPU, steady', `${pct((c2.user + c2.system) / 1000)} of a core`],
      ['server RSS (base -> steady)', `${mib(serverBase.rss)} -> ${mib(s2.rss)} MiB`],
      ['simulator RSS (base -> steady)', `${mib(simBase)} -> ${mib(simRss)} MiB (heap ${mib(heap)} MiB)`],
      ['server memory per device', `${((s2.rss - serverBase.rss) / connected / 1024).toFixed(1)} KiB`],
      ['simulator memory per device', `${((simRss - simBase) / connected / 1024).toFixed(1)} KiB`],
      ['ack latency p50 / p99', `${summary.ackLatencyMs.p50} / ${summary.ackLatencyMs.p99} ms`],
      [
        'sent / acknowledged / lost',
        `${summary.sent} / ${summary.acknowledged} / ${summary.lost}${drained ? '' : ' (not drained)'}`,
      ],
      ['reconnects', `${summary.reconnects}`],
    ];
    const w = Math.max(...rows.map((r) => r[0].length));
    console.log(rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n'));
  }
} finally {
  await fleet?.stop();
  await server.stop();
}
