#!/usr/bin/env node
// Commits per second of the embedded store with and without durable commits (an fsync of the
// WAL before each commit is acknowledged), and of a PostgreSQL server as the peer.
//   npx tsc -b && node bench/store/commit.mjs [commits=1000] [rounds=3]
//   FLEETWARD_BENCH_DATABASE_URL=postgresql://… adds the PostgreSQL row (a fresh schema, dropped after).
// Each round opens a fresh store, does `commits` single-row inserts one after another (each its
// own transaction, awaited), then as many two-statement transactions; the table shows the median.
// The durable rows are bound by the disk's fsync latency: one fsync per commit (PGlite has one
// connection, so there is no group commit).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { openStore } from '../../packages/server/dist/store/index.js';

const commits = Number(process.argv[2] ?? 1000);
const rounds = Number(process.argv[3] ?? 3);
const pgUrl = process.env.FLEETWARD_BENCH_DATABASE_URL;

async function run(store) {
  const payload = JSON.stringify({ pad: 'x'.repeat(100) });
  let t0 = performance.now();
  for (let i = 0; i < commits; i++) {
    await store.query('insert into settings (key, value) values ($1, $2)', [`a.${i}`, payload]);
  }
  const single = (commits / (performance.now() - t0)) * 1000;
  t0 = performance.now();
  for (let i = 0; i < commits; i++) {
    await store.transaction(async (tx) => {
      await tx.query('insert into settings (key, value) values ($1, $2)', [`b.${i}`, payload]);
      await tx.query('update settings set value = $2 where key = $1', [`a.${i}`, payload]);
    });
  }
  const tx = (commits / (performance.now() - t0)) * 1000;
  return { single, tx };
}

async function admin(sql) {
  const c = new pg.Client({ connectionString: pgUrl });
  await c.connect();
  await c.query(sql);
  await c.end();
}

const places = {
  'pglite, durable commits (default)': async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fw-bench-'));
    return { options: { dataDir: dir }, remove: () => rm(dir, { recursive: true, force: true }) };
  },
  'pglite, durableCommits: false': async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fw-bench-'));
    return {
      options: { dataDir: dir, durableCommits: false },
      remove: () => rm(dir, { recursive: true, force: true }),
    };
  },
  'pglite, in memory (no disk)': async () => ({ options: {}, remove: async () => undefined }),
};
if (pgUrl) {
  places['postgresql server (peer)'] = async () => {
    const schema = `fw_bench_${randomBytes(4).toString('hex')}`;
    await admin(`create schema ${schema}`);
    return {
      options: { databaseUrl: pgUrl, schema, poolSize: 2 },
      remove: () => admin(`drop schema ${schema} cascade`),
    };
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
// Rounds interleave the stores, so that a busy moment of a shared disk does not hit one alone.
const samples = Object.fromEntries(Object.keys(places).map((name) => [name, { singles: [], txs: [] }]));
for (let r = 0; r < rounds; r++) {
  for (const [name, make] of Object.entries(places)) {
    const place = await make();
    const store = await openStore(place.options);
    const { single, tx } = await run(store);
    await store.close();
    await place.remove();
    samples[name].singles.push(single);
    samples[name].txs.push(tx);
  }
}
const rows = Object.entries(samples).map(([name, s]) => ({ name, single: median(s.singles), tx: median(s.txs) }));

const base = rows.find((r) => r.name.includes('false'));
console.log(`commits=${commits} rounds=${rounds} (median)\n`);
console.log('| store | single-insert commits/s | 2-statement tx/s | cost vs durableCommits:false |');
console.log('|---|---:|---:|---:|');
for (const r of rows) {
  const cost = base ? `${(base.single / r.single).toFixed(2)}x / ${(base.tx / r.tx).toFixed(2)}x` : '';
  console.log(`| ${r.name} | ${r.single.toFixed(0)} | ${r.tx.toFixed(0)} | ${cost} |`);
}
