#!/usr/bin/env node
// Cost per telemetry row of the embedded store's schema choices (not a test). Inserts `rows`
// records in batches of 1,000 with the TelemetryWriter's statement (arrays unnested, receive
// times sent once) into a durable PGlite store, for the shipped schema and for variants of it,
// rounds interleaved; prints the median wall and CPU microseconds per row.
//   npx tsc -b && node bench/store/telemetry-rows.mjs [rows=50000] [rounds=3]
// Variants: the index on received_at (used by retention) as a BRIN index instead of a B-tree;
// fields as json (text, checked) instead of jsonb (binary); both; and, not shipped, chunks: the
// records of one device in one batch as one row (docs/decisions/0011-telemetry-insert.md).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openStore } from '../../packages/server/dist/store/index.js';

const ROWS = Number(process.argv[2] ?? 50_000);
const rounds = Number(process.argv[3] ?? 3);
const BATCH = 1000;
const DEVICES = 200;

// The first design of chunks (decision 0011's addendum), kept for the record: a json column and a
// BRIN index. What ships is measured through the writer by bench/store/telemetry-writer.mjs.
const CHUNKS = [
  `create table telemetry_chunks (id bigserial primary key, device_id text not null,
     first_at timestamptz not null, last_at timestamptz not null, n int not null, records json not null)`,
  'create index telemetry_chunks_device on telemetry_chunks (device_id, last_at desc)',
  'create index telemetry_chunks_first on telemetry_chunks using brin (first_at)',
];
const CHUNK_INSERT = `insert into telemetry_chunks (device_id, first_at, last_at, n, records)
  select d, $2::timestamptz, $3::timestamptz, c, r::json from unnest($1::text[], $4::int4[], $5::text[]) as x(d, c, r)`;

async function insertChunks(store, n, base) {
  const per = new Map();
  for (let i = 0; i < BATCH; i++) {
    const device = `bench-${String((n + i) % DEVICES).padStart(5, '0')}`;
    let list = per.get(device);
    if (!list) per.set(device, (list = []));
    const fields = JSON.stringify({ temperature: 21.5 + (i % 7) / 10, humidity: 40 + (i % 11), door: 'closed' });
    list.push(`{"r":${base + n + (i % 4)},"f":${fields}}`);
  }
  const lists = [...per.values()];
  await store.query(CHUNK_INSERT, [
    [...per.keys()],
    new Date(base + n).toISOString(),
    new Date(base + n + 3).toISOString(),
    lists.map((l) => l.length),
    lists.map((l) => `[${l.join(',')}]`),
  ]);
}

const variants = {
  shipped: { ddl: [], cast: 'jsonb' },
  'received_at BRIN': {
    ddl: [
      'drop index if exists telemetry_received',
      'create index telemetry_received_brin on telemetry_rows using brin (received_at)',
    ],
    cast: 'jsonb',
  },
  'fields json': {
    ddl: ['drop view telemetry', 'alter table telemetry_rows alter column fields type json'],
    cast: 'json',
  },
  'received_at BRIN + fields json': {
    ddl: [
      'drop index if exists telemetry_received',
      'create index telemetry_received_brin on telemetry_rows using brin (received_at)',
      'drop view telemetry',
      'alter table telemetry_rows alter column fields type json',
    ],
    cast: 'json',
  },
  [`chunks (${BATCH / DEVICES} records per row)`]: { ddl: CHUNKS, chunks: true },
};

const insert = (cast) => `insert into telemetry_rows (device_id, message_id, received_at, device_time, fields)
  select d, m, ($3::timestamptz[])[i], t, f::${cast}
  from unnest($1::text[], $2::text[], $4::int4[], $5::timestamptz[], $6::text[]) as x(d, m, i, t, f)
  on conflict (device_id, message_id) where message_id is not null do nothing`;

async function run({ ddl, cast, chunks = false }) {
  const dir = await mkdtemp(join(tmpdir(), 'fw-bench-rows-'));
  const store = await openStore({ dataDir: dir });
  try {
    for (const sql of ddl) await store.query(sql);
    const sql = insert(cast);
    const base = Date.parse('2026-01-01T00:00:00Z');
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    for (let n = 0; n < ROWS; n += BATCH) {
      if (chunks) {
        await insertChunks(store, n, base);
        continue;
      }
      const devices = [],
        ids = [],
        index = [],
        deviceTimes = [],
        fields = [];
      for (let i = 0; i < BATCH; i++) {
        devices.push(`bench-${String((n + i) % DEVICES).padStart(5, '0')}`);
        ids.push(null);
        index.push(1 + (i % 4)); // a batch spans a few milliseconds
        deviceTimes.push(null);
        fields.push(JSON.stringify({ temperature: 21.5 + (i % 7) / 10, humidity: 40 + (i % 11), door: 'closed' }));
      }
      const times = [0, 1, 2, 3].map((k) => new Date(base + n + k).toISOString());
      await store.query(sql, [devices, ids, times, index, deviceTimes, fields]);
    }
    const cpu = process.cpuUsage(cpu0);
    return { wall: ((performance.now() - t0) * 1000) / ROWS, cpu: (cpu.user + cpu.system) / ROWS };
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const samples = Object.fromEntries(Object.keys(variants).map((k) => [k, { wall: [], cpu: [] }]));
for (let r = 0; r < rounds; r++) {
  for (const [name, v] of Object.entries(variants)) {
    const s = await run(v);
    samples[name].wall.push(s.wall);
    samples[name].cpu.push(s.cpu);
    process.stderr.write(`round ${r + 1}/${rounds} ${name}: ${s.wall.toFixed(2)} µs/record\n`);
  }
}
console.log(
  `telemetry rows: ${ROWS} per run in batches of ${BATCH}, ${DEVICES} devices, durable PGlite, median of ${rounds}\n`,
);
console.log('| schema | µs per record (wall) | µs CPU per record | vs shipped |');
console.log('|---|---:|---:|---:|');
const shipped = median(samples.shipped.wall);
for (const [name, s] of Object.entries(samples)) {
  const wall = median(s.wall);
  console.log(`| ${name} | ${wall.toFixed(2)} | ${median(s.cpu).toFixed(2)} | ${(wall / shipped).toFixed(2)}x |`);
}
