import { readFile } from 'node:fs/promises';
import { load } from 'js-yaml';
import { cliError } from '../errors.js';

/** Reads a profile or playbook declared as JSON or YAML (by extension; `-` reads stdin as either). */
export async function readDefinition(path: string): Promise<unknown> {
  const text = path === '-' ? await readStdin() : await readFile(path, 'utf8');
  try {
    return /\.json$/i.test(path) ? JSON.parse(text) : load(text, { json: true });
  } catch (cause) {
    throw cliError('FW_CLI_USAGE', `${path}: not valid JSON or YAML`, { cause });
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
