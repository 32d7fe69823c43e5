// Test support, run as a child process by durability.test.ts: opens the embedded store in
// argv[2] and commits rows one by one, printing each id once its commit is acknowledged,
// until it is killed. argv[3] === 'relaxed' opens it with durableCommits: false.
import { openStore } from './index.js';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: test-sigkill-writer <dataDir> [durable|relaxed]');
const store = await openStore({ dataDir, durableCommits: process.argv[3] !== 'relaxed' });
process.stdout.write('open\n');
for (let id = 1; ; id++) {
  if (id % 2 === 0) {
    await store.query('insert into settings (key, value) values ($1, $2)', [`kill.${id}`, JSON.stringify({ id })]);
  } else {
    await store.transaction(async (tx) => {
      await tx.query('insert into settings (key, value) values ($1, $2)', [`kill.${id}`, JSON.stringify({ id })]);
    });
  }
  process.stdout.write(`${id}\n`);
}
