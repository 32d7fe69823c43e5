#!/usr/bin/env node
// Runs every compiled test (packages/*/dist/**/*.test.js) with Node's test runner.
// Node 20's --test takes no globs, so the files are listed here. Pass paths or substrings
// to run a subset: `node scripts/test.mjs gateway`.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

const filters = process.argv.slice(2);
const files = [];
for (const pkg of readdirSync('packages')) {
  try {
    walk(join('packages', pkg, 'dist'), files);
  } catch {
    // a package without a build has no tests to run
  }
}
const selected = files.sort().filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
if (selected.length === 0) {
  console.error('no test files found: run `npm run build` first');
  process.exit(1);
}
const concurrency = process.env.FLEETWARD_TEST_CONCURRENCY ?? '2';
const r = spawnSync(
  process.execPath,
  ['--enable-source-maps', '--test', `--test-concurrency=${concurrency}`, '--test-timeout=120000', ...selected],
  { stdio: 'inherit' },
);
process.exit(r.status ?? 1);
