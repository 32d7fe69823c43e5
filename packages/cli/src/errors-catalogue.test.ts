import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { AGENT_ERRORS, BOOTLOADER_ERRORS, OTA_ERRORS, UPDATER_ERRORS } from '@fleetward/agent';
import { FIRMWARE_ERRORS, PROTOCOL_ERRORS, type ErrorCatalogue } from '@fleetward/protocol';
import { SERVER_CATALOGUES } from '@fleetward/server';
import { CLI_ERRORS } from './errors.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const catalogues: ErrorCatalogue[] = [
  PROTOCOL_ERRORS,
  FIRMWARE_ERRORS,
  AGENT_ERRORS,
  BOOTLOADER_ERRORS,
  UPDATER_ERRORS,
  OTA_ERRORS,
  CLI_ERRORS,
  ...Object.values(SERVER_CATALOGUES),
];
const defined = new Map<string, string>();
for (const c of catalogues) for (const [code, spec] of Object.entries(c)) defined.set(code, spec.fault);

function documented(): Map<string, number> {
  const md = readFileSync(join(ROOT, 'docs/errors.md'), 'utf8');
  const rows = new Map<string, number>();
  for (const m of md.matchAll(/^\|\s*`?(FW_[A-Z0-9_]+)`?\s*\|\s*(\d{3})\s*\|/gm)) rows.set(m[1]!, Number(m[2]));
  return rows;
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'node_modules' || name === 'dist') continue;
    if (statSync(p).isDirectory()) sourceFiles(p, out);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

describe('the error catalogue (docs/errors.md)', () => {
  it('lists every defined code with the status of its fault', async () => {
    const { FAULT_STATUS } = await import('@fleetward/protocol');
    const docs = documented();
    const missing = [...defined.keys()].filter((c) => !docs.has(c));
    assert.deepEqual(missing, [], 'codes defined but not in docs/errors.md');
    for (const [code, fault] of defined) {
      assert.equal(docs.get(code), FAULT_STATUS[fault as keyof typeof FAULT_STATUS], `status of ${code}`);
    }
  });

  it('lists no code that does not exist', () => {
    const stale = [...documented().keys()].filter((c) => !defined.has(c));
    assert.deepEqual(stale, [], 'codes in docs/errors.md that no catalogue defines');
  });

  it('defines every code the source uses', () => {
    const used = new Set<string>();
    for (const file of sourceFiles(join(ROOT, 'packages'))) {
      if (file.endsWith('.test.ts')) continue;
      for (const m of readFileSync(file, 'utf8').matchAll(/['"`](FW_[A-Z0-9_]+)['"`]/g)) used.add(m[1]!);
    }
    const undefinedCodes = [...used].filter((c) => !defined.has(c));
    assert.deepEqual(undefinedCodes, [], 'codes used in source but in no catalogue');
  });
});
