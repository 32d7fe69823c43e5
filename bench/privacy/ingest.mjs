#!/usr/bin/env node
// Ingest throughput with the privacy filter (catalog + consent minimization) on versus off, in the
// same run, on the same store.
//   npx tsc -b && node bench/privacy/ingest.mjs [messages=5000] [rounds=5] [devices=200]
// The fleet mixes the four simulator models and a declared `tracker` model with non-essential
// fields; owners are in EU, UK, US-CA and nowhere (unowned). Each round ingests `messages`
// telemetry records one after another (as the gateway does per QoS 1 publish) with the filter
// off, then on, alternating which goes first; the table shows medians. The store is PGlite in
// memory: the fastest store, so the filter's share is the largest it can be. A third row times the
// filter alone (cached decisions), to show where the cost is.
import { Buffer } from 'node:buffer';
import { performance } from 'node:perf_hooks';
import { privacyHarness } from '../../packages/server/dist/privacy/testing.js';
import { ingestTelemetry } from '../../packages/server/dist/telemetry/index.js';

const messages = Number(process.argv[2] ?? 5000);
const rounds = Number(process.argv[3] ?? 5);
const devices = Number(process.argv[4] ?? 200);

const SAMPLES = {
  thermostat: { temperature: 21.37, humidity: 44.1, setpoint: 21, heating: true },
  camera: { motion: false, bitrate_kbps: 2100, fps: 25, storage_used: 41.2 },
  'smart-plug': { on: true, power_w: 61.2, voltage: 231.4, current: 0.264, energy_kwh: 12.3456 },
  'industrial-sensor': { vibration_rms: 1.873, temperature: 48.2, pressure: 6.012 },
  tracker: { battery: 81, steps: 1200, lat: 52.51234, lon: 13.40123, heart_rate: 90, junk: 'x' },
};
const TRACKER = {
  title: 'Pet tracker',
  fields: [
    {
      name: 'battery',
      category: 'system.operations',
      purposes: ['essential.service.operations'],
      essential: true,
      sensitivity: 'low',
      retentionDays: 30,
      storage: 'platform',
      description: 'Battery.',
    },
    {
      name: 'steps',
      category: 'user.device.telemetry',
      purposes: ['analytics.reporting'],
      essential: false,
      sensitivity: 'low',
      retentionDays: 90,
      storage: 'platform',
      description: 'Steps.',
    },
    {
      name: 'lat',
      category: 'user.location.precise',
      purposes: ['analytics.reporting'],
      essential: false,
      sensitivity: 'high',
      retentionDays: 30,
      storage: 'platform',
      description: 'Latitude.',
      coarsen: { decimals: 2 },
    },
    {
      name: 'lon',
      category: 'user.location.precise',
      purposes: ['analytics.reporting'],
      essential: false,
      sensitivity: 'high',
      retentionDays: 30,
      storage: 'platform',
      description: 'Longitude.',
      coarsen: { decimals: 2 },
    },
    {
      name: 'heart_rate',
      category: 'user.health',
      purposes: ['improve.system'],
      essential: false,
      sensitivity: 'high',
      retentionDays: 7,
      storage: 'platform',
      description: 'Heart rate.',
    },
  ],
  recipients: [],
  sensors: [],
};
const MODELS = Object.keys(SAMPLES);
const REGIONS = ['EU', 'UK', 'US-CA', null];

async function setup() {
  const harness = await privacyHarness();
  const { store, clock, privacy } = harness;
  await privacy.declareCatalog('tracker', TRACKER, 'bench');
  const ids = [];
  for (let i = 0; i < devices; i++) {
    const id = `bench-${i}`;
    const model = MODELS[i % MODELS.length];
    await harness.addDevice(id, model);
    const region = REGIONS[i % REGIONS.length];
    if (region) {
      const o = await privacy.createOwner({ name: `o${i}`, region }, 'bench');
      await privacy.assignDevice(o.id, id, 'bench');
      if (i % 3 === 0) {
        const categories = i % 2 ? ['user.location.imprecise', 'user.device.telemetry'] : undefined;
        await privacy.consent(
          {
            ownerId: o.id,
            deviceId: id,
            purpose: 'analytics.reporting',
            state: 'given',
            categories,
            mechanism: 'bench',
          },
          'bench',
        );
      }
    }
    ids.push({ id, payload: Buffer.from(JSON.stringify(SAMPLES[model])) });
  }
  return { store, clock, privacy, ids };
}

async function ingestRun(env, options) {
  const t0 = performance.now();
  for (let i = 0; i < messages; i++) {
    const d = env.ids[i % env.ids.length];
    await ingestTelemetry(env.store, env.clock, d.id, d.payload, options);
  }
  return (messages / (performance.now() - t0)) * 1000;
}

async function filterRun(env) {
  const parsed = env.ids.map((d) => ({ id: d.id, fields: JSON.parse(d.payload.toString()) }));
  // Warm every device's decision first: a device the ingest rounds never reached (more devices
  // than messages) would otherwise start a store lookup here that nobody awaits.
  await Promise.all(parsed.map((d) => env.privacy.minimize(d.id, d.fields)));
  const n = messages * 20;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const d = parsed[i % parsed.length];
    env.privacy.minimize(d.id, d.fields);
  }
  return (n / (performance.now() - t0)) * 1000;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const env = await setup();
const on = { minimize: env.privacy.minimize };
await ingestRun(env, on); // warm: decisions cached, JIT warm
await ingestRun(env, {});
const off = [];
const with_ = [];
for (let r = 0; r < rounds; r++) {
  if (r % 2 === 0) {
    off.push(await ingestRun(env, {}));
    with_.push(await ingestRun(env, on));
  } else {
    with_.push(await ingestRun(env, on));
    off.push(await ingestRun(env, {}));
  }
}
const filterOnly = [];
for (let r = 0; r < rounds; r++) filterOnly.push(await filterRun(env));
const a = median(off);
const b = median(with_);
const cost = ((a - b) / a) * 100;
console.log(
  `privacy ingest bench: ${messages} messages x ${rounds} rounds, ${devices} devices, PGlite in memory, Node ${process.version}`,
);
console.log('');
console.log('| path | messages/s (median) |');
console.log('|---|---|');
console.log(`| ingest, filter off | ${a.toFixed(0)} |`);
console.log(`| ingest, filter on (catalog + consent) | ${b.toFixed(0)} |`);
console.log(`| filter alone (cached decisions) | ${filterOnly.length ? median(filterOnly).toFixed(0) : '-'} |`);
console.log('');
console.log(
  `filter cost: ${cost.toFixed(2)} % of ingest throughput (target < 5 %; negative: dropped fields make inserts smaller)`,
);
const share = (1 / median(filterOnly) / (1 / a)) * 100;
console.log(`filter time per message / ingest time per message: ${share.toFixed(2)} %`);
console.log(
  `per-round off: ${off.map((x) => x.toFixed(0)).join(' ')}; on: ${with_.map((x) => x.toFixed(0)).join(' ')}`,
);
const drops = env.privacy.minimizer.drops().reduce((s, d) => s + d.count, 0);
console.log(`fields dropped during the run: ${drops}`);
await env.store.close();
