#!/usr/bin/env node
// The TelemetryWriter's cost per record on the durable embedded store, by batch shape, with
// chunks (the shipped layout, docs/decisions/0012-telemetry-chunks.md) and with rows only
// (chunkMin: Infinity, the layout before it). Not a test. Rounds interleaved; prints the median
// wall and CPU microseconds per record and the ratio.
//   npx tsc -b && node bench/store/telemetry-writer.mjs [records=40000] [rounds=3]
import { Buffer } from 'node:buffer';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { systemClock } from '../../packages/server/dist/kernel/index.js';
import { openStore } from '../../packages/server/dist/store/index.js';
import { TelemetryWriter } from '../../packages/server/dist/telemetry/index.js';

const RECORDS = Number(process.argv[2] ?? 40_000);
const rounds = Number(process.argv[3] ?? 3);
const PAYLOAD = '{"temperature":21.5,"humidity":40,"door":"closed"}';

// name, devices per batch, records per device per batch, with message ids
const SHAPES = [
  ['200 devices x 25 records, no message id (a fan-in benchmark)', 200, 25, false],
  ['200 devices x 5 records, no message id', 200, 5, false],
  ['200 devices x 5 records, with message ids (agent traffic)', 200, 5, true],
  ['1,000 devices x 1 record, no message id (many quiet devices)', 1000, 1, false],
  ['1,000 devices x 1 record, with message ids', 1000, 1, true],
];
const LAYOUTS = { chunks: {}, 'rows only': { chunkMin: Infinity } };

async function run([, devices, perDevice, withIds], options) {
  const dir = await mkdtemp(join(tmpdir(), 'fw-bench-writer-'));
  const store = await openStore({ dataDir: dir });
  const ids = Array.from({ length: devices }, (_, i) => `bench-${String(i).padStart(5, '0')}`);
  await store.query(
    `insert into devices (id, model, enrolled_via, enrolled_at, updated_at)
     select id, 'bench', 'claim', now(), now() from unnest($1::text[]) as t(id)`,
    [ids],
  );
  const writer = new TelemetryWriter(store, systemClock, { ...options, maxRows: devices * perDevice });
  const payloads = ids.map(() => Buffer.from(PAYLOAD));
  try {
    let n = 0;
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    while (n < RECORDS) {
      const batch = [];
      for (let k = 0; k < perDevice; k++) {
        for (let d = 0; d < devices; d++, n++) {
          const payload = withIds ? Buffer.from(`{"mid":"m-${n}",${PAYLOAD.slice(1)}`) : payloads[d];
          batch.push(writer.ingest(ids[d], payload));
        }
      }
      await Promise.all(batch);
    }
    const cpu = process.cpuUsage(cpu0);
    return { wall: ((performance.now() - t0) * 1000) / n, cpu: (cpu.user + cpu.system) / n };
  } finally {
    await writer.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const samples = new Map();
for (let r = 0; r < rounds; r++) {
  for (const shape of SHAPES) {
    for (const [layout, options] of Object.entries(LAYOUTS)) {
      const s = await run(shape, options);
      const key = `${shape[0]}\n${layout}`;
      if (!samples.has(key)) samples.set(key, { wall: [], cpu: [] });
      samples.get(key).wall.push(s.wall);
      samples.get(key).cpu.push(s.cpu);
      process.stderr.write(`round ${r + 1}/${rounds} ${shape[0]}, ${layout}: ${s.wall.toFixed(2)} µs/record\n`);
    }
  }
}
console.log(`TelemetryWriter into durable PGlite: ${RECORDS} records per run, median of ${rounds}\n`);
console.log('| batch shape | µs/record, chunks (wall / CPU) | µs/record, rows only (wall / CPU) | chunks vs rows |');
console.log('|---|---:|---:|---:|');
for (const [name] of SHAPES) {
  const c = samples.get(`${name}\nchunks`);
  const w = samples.get(`${name}\nrows only`);
  const ratio = median(c.wall) / median(w.wall);
  console.log(
    `| ${name} | ${median(c.wall).toFixed(2)} / ${median(c.cpu).toFixed(2)} | ${median(w.wall).toFixed(2)} / ${median(w.cpu).toFixed(2)} | ${ratio.toFixed(2)}x |`,
  );
}
