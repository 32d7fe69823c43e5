import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkPasswordPolicy } from './password-policy.js';

// From packages/server/dist/operators/ up to the repo root, then the shared fixtures beside it.
const FIXTURE = fileURLToPath(new URL('../../../../../shared/fixtures/mirai-credentials.txt', import.meta.url));

function miraiCredentials(): Array<{ user: string; password: string }> {
  return readFileSync(FIXTURE, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => {
      const i = line.indexOf(':');
      return { user: line.slice(0, i), password: line.slice(i + 1) };
    });
}

function codeOf(password: string, username?: string): string | undefined {
  try {
    checkPasswordPolicy(password, username);
    return undefined;
  } catch (err) {
    return (err as { code: string }).code;
  }
}

function padByRepetition(s: string): string {
  let out = s;
  while (Array.from(out).length < 12) out += s;
  return out;
}

function padWith(s: string, pad: string, where: 'start' | 'end'): string {
  const need = Math.max(1, 12 - Array.from(s).length);
  const filler = pad.repeat(Math.ceil(need / pad.length)).slice(0, need);
  return where === 'end' ? s + filler : filler + s;
}

describe('checkPasswordPolicy', () => {
  const values = [...new Set(miraiCredentials().flatMap((c) => [c.user, c.password]))];

  it('reads every credential of the Mirai fixture (62 lines)', () => {
    assert.equal(miraiCredentials().length, 62);
  });

  it('refuses every Mirai username and password as is: too short below 12, known bad from 12', () => {
    for (const value of values) {
      const expected = Array.from(value).length < 12 ? 'FW_PASSWORD_TOO_SHORT' : 'FW_PASSWORD_KNOWN_BAD';
      assert.equal(codeOf(value), expected, JSON.stringify(value));
    }
  });

  it('refuses every Mirai credential padded to 12 by repetition, digits or symbols, in any case', () => {
    for (const value of values.filter((v) => v !== '')) {
      const variants = [
        padByRepetition(value),
        padByRepetition(value.toUpperCase()),
        padWith(value, '1234567890', 'end'),
        padWith(value, '0', 'end'),
        padWith(value, '!', 'end'),
        padWith(value, '2024', 'start'),
        `${padByRepetition(value)}!1`,
        `#${value.toUpperCase()}${'9'.repeat(12)}`,
      ];
      for (const v of variants) assert.equal(codeOf(v), 'FW_PASSWORD_KNOWN_BAD', JSON.stringify(v));
    }
  });

  it('refuses common passwords and their padded forms', () => {
    for (const v of [
      'password1234',
      'Password123!',
      '123456789012',
      'qwertyuiop12',
      'Admin2024!!!!',
      'P@ssw0rd2025!',
    ]) {
      assert.equal(codeOf(v), 'FW_PASSWORD_KNOWN_BAD', v);
    }
  });

  it('refuses the username itself, padded', () => {
    assert.equal(codeOf('alice.smith2024', 'Alice.Smith'), 'FW_PASSWORD_KNOWN_BAD');
    assert.equal(codeOf('alice.smith2024'), undefined);
  });

  it('refuses a repeated single character or short pattern', () => {
    for (const v of [
      'aaaaaaaaaaaa',
      'ZZZZZZZZZZZZZZZZ',
      'abcabcabcabc',
      '\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9',
    ]) {
      assert.equal(codeOf(v), 'FW_PASSWORD_KNOWN_BAD', v);
    }
  });

  it('counts code points after NFKC, not UTF-16 units', () => {
    // 6 emoji are 12 UTF-16 units but 6 code points
    assert.equal(codeOf('\u{1F512}\u{1F511}\u{1F6E1}\u{1F510}\u{1F50F}\u{1F513}'), 'FW_PASSWORD_TOO_SHORT');
    // U+FB01 (fi ligature) becomes two letters under NFKC: 6 of them are 12, and a repeated pattern
    assert.equal(codeOf('\uFB01'.repeat(6)), 'FW_PASSWORD_KNOWN_BAD');
  });

  it('refuses more than 1024 characters', () => {
    assert.equal(codeOf('a1B2c3D4e5F6'.repeat(90)), 'FW_PASSWORD_TOO_LONG');
  });

  it('accepts long unremarkable passwords', () => {
    for (const v of ['correct horse battery', 'Tr0ub4dor&3-xyzzy', 'k8#Vq2!mZr9@Lp', 'admin is not my password']) {
      assert.equal(codeOf(v, 'alice'), undefined, v);
    }
  });
});
