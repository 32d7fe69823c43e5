#!/usr/bin/env node
// One commit between two markers on stderr, for tracing what reaches the disk:
//   strace -f -y -qq -e signal=none \
//     -e trace=fsync,fdatasync,sync_file_range,msync,sync,syncfs,pwrite64,write \
//     node bench/store/strace-commit.mjs DIR [durable|relaxed] 2>&1 >/dev/null | sed -n '/MARK-BEFORE/,/MARK-AFTER/p'
import { openStore } from '../../packages/server/dist/store/index.js';

const [dir, mode = 'durable'] = process.argv.slice(2);
const store = await openStore({ dataDir: dir, durableCommits: mode !== 'relaxed' });
process.stderr.write('MARK-BEFORE-COMMIT\n');
await store.query('insert into settings (key, value) values ($1, $2)', [`k.${Date.now()}`, '{"v":1}']);
process.stderr.write('MARK-AFTER-COMMIT\n');
await store.close();
