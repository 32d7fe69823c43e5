// Test helper: appends records as fast as it can, printing each id once its append resolved
// (durable). The crash test SIGKILLs this process mid-stream. Removes every third record.
import { FileOutbox } from './file-outbox.js';

const outbox = await FileOutbox.open(process.argv[2]!);
let i = 0;
for (;;) {
  const batch = Array.from({ length: 8 }, () => i++);
  await Promise.all(
    batch.map(async (n) => {
      await outbox.append({
        id: `r${n}`,
        topic: 'telemetry',
        payload: new TextEncoder().encode(JSON.stringify({ n, pad: 'x'.repeat(n % 200) })),
        critical: false,
        createdAt: Date.now(),
      });
      if (n % 3 === 0) await outbox.remove([`r${n}`]);
      else process.stdout.write(`r${n}\n`);
    }),
  );
}
