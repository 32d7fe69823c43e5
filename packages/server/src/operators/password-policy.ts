import { KNOWN_BAD_PASSWORDS } from './bad-passwords.js';
import { operatorError } from './errors.js';

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 1024;

const LETTER = /\p{L}/u;
/** Padding taken off either end before looking for a repeated pattern. */
const REPEAT_PAD = 8;
const LONGEST_BAD = Math.max(...[...KNOWN_BAD_PASSWORDS].map((p) => Array.from(p).length));

/**
 * The cores of a password: what is left after taking off any run of non-letters (digits,
 * symbols, spaces) at the start and at the end, so `admin2024!!` and `!!xc3511000` show
 * `admin` and `xc3511`. Only cores up to `maxLen` code points, with at most `maxPad` taken
 * off each end, which bounds the work.
 */
function* cores(chars: readonly string[], maxLen: number, maxPad = Infinity): Generator<string> {
  const n = chars.length;
  let leadEnd = 0; // chars[0 .. leadEnd) are non-letters
  while (leadEnd < n && !LETTER.test(chars[leadEnd] as string)) leadEnd += 1;
  let trailStart = n; // chars[trailStart .. n) are non-letters
  while (trailStart > 0 && !LETTER.test(chars[trailStart - 1] as string)) trailStart -= 1;
  for (let k = 0; k <= Math.min(leadEnd, n - 1, maxPad); k += 1) {
    for (let m = Math.max(trailStart, k + 1, n - maxPad); m <= Math.min(n, k + maxLen); m += 1) {
      yield chars.slice(k, m).join('');
    }
  }
}

/** The shortest unit the text repeats (`adminadminad` → `admin`), or undefined when it does not repeat. */
function repeatedUnit(chars: readonly string[]): string | undefined {
  // Knuth-Morris-Pratt failure function: the smallest period is n - border(n).
  const n = chars.length;
  const border = new Array<number>(n + 1).fill(0);
  border[0] = -1;
  for (let i = 1, k = -1; i <= n; i += 1) {
    while (k >= 0 && chars[k] !== chars[i - 1]) k = border[k] as number;
    k += 1;
    border[i] = k;
  }
  const period = n - (border[n] as number);
  return period * 2 <= n ? chars.slice(0, period).join('') : undefined;
}

function isBad(candidate: string, username: string | undefined): boolean {
  return KNOWN_BAD_PASSWORDS.has(candidate) || (username !== undefined && candidate === username);
}

function knownBad(password: string, username: string | undefined): boolean {
  const chars = Array.from(password.toLowerCase());
  const user = username?.normalize('NFKC').toLowerCase() || undefined;
  const maxLen = Math.max(LONGEST_BAD, user ? Array.from(user).length : 0);
  for (const core of cores(chars, maxLen)) if (isBad(core, user)) return true;
  // Repeated patterns, of the whole or after taking the padding off: `aaaaaaaaaaaa`,
  // `abcabcabcabc`, `xc3511xc3511`, `rootrootroot!1`.
  for (const core of cores(chars, chars.length, REPEAT_PAD)) {
    const unit = repeatedUnit(Array.from(core));
    if (unit === undefined) continue;
    if (Array.from(unit).length <= 3) return true;
    for (const inner of cores(Array.from(unit), maxLen)) if (isBad(inner, user)) return true;
  }
  return false;
}

/**
 * Refuses a password that is too short, too long, or known to be bad (ETSI EN 303 645
 * provision 5.1-1: no universal default passwords; NIST SP 800-63B §5.1.1.2: at least 8
 * characters, checked against a list of commonly used or compromised values; we ask 12).
 * Length is counted in code points after NFKC. Comparison is case-insensitive. Throws
 * FW_PASSWORD_TOO_SHORT, FW_PASSWORD_TOO_LONG or FW_PASSWORD_KNOWN_BAD.
 */
export function checkPasswordPolicy(password: string, username?: string): void {
  const normalized = password.normalize('NFKC');
  const length = Array.from(normalized).length;
  if (length < PASSWORD_MIN) {
    throw operatorError('FW_PASSWORD_TOO_SHORT', `a password needs at least ${PASSWORD_MIN} characters`);
  }
  if (length > PASSWORD_MAX) {
    throw operatorError('FW_PASSWORD_TOO_LONG', `a password may have at most ${PASSWORD_MAX} characters`);
  }
  if (knownBad(normalized, username)) {
    throw operatorError('FW_PASSWORD_KNOWN_BAD', 'this password is on the list of known default or common passwords');
  }
}
