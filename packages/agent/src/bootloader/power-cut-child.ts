// Test support, run as a child process: installs, boots and confirms images from DIR/images
// on FileSlotStorage(DIR), and SIGKILLs itself at the CUT-th write step (a real power cut:
// no finally blocks, no flush). Usage: node power-cut-child.js DIR CUT
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Bootloader } from './bootloader.js';
import { FileSlotStorage } from './file-storage.js';
import { loadRootOfTrust } from './root-of-trust.js';

const [dir, cutText] = process.argv.slice(2) as [string, string];
const cut = Number(cutText);
let steps = 0;
const storage = new FileSlotStorage(dir, () => {
  steps += 1;
  if (steps === cut) process.kill(process.pid, 'SIGKILL');
});
const rootOfTrust = await loadRootOfTrust(dir);
const open = () => new Bootloader({ storage, rootOfTrust });
for (const name of ['v2.bin', 'v3.bin']) {
  await open().install(new Uint8Array(await readFile(join(dir, 'images', name))));
  const bl = open();
  await bl.boot();
  await bl.confirm();
}
process.stdout.write(`done after ${steps} steps\n`);
