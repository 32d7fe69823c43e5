import { createHmac, randomBytes } from 'node:crypto';
import type { Clock } from '../../kernel/index.js';
import type { Sealer } from '../../secrets/index.js';
import type { Store } from '../../store/index.js';
import { PURPOSES } from '../catalog/index.js';
import { privacyError } from '../errors.js';

interface Key {
  readonly version: number;
  readonly secret: Buffer;
}

/**
 * Keyed pseudonyms (GDPR Art. 4(5), 25(1)): HMAC-SHA-256 under a key per purpose, so the same
 * device gets unrelated pseudonyms for analytics and for advertising, and no one without the
 * key can link a pseudonym back. Keys are 256-bit, sealed under the master key (like the CA
 * keys), made on first use. Rotating makes a new version: pseudonyms made after it do not link
 * to those before it; the old key is destroyed, so the old pseudonyms become anonymous.
 */
export class Pseudonyms {
  readonly #store: Store;
  readonly #sealer: Sealer;
  readonly #clock: Clock;
  readonly #keys = new Map<string, Key>();

  constructor(store: Store, sealer: Sealer, clock: Clock) {
    this.#store = store;
    this.#sealer = sealer;
    this.#clock = clock;
  }

  /** `p<version>_` + 128 bits of HMAC-SHA-256(key[purpose], kind ":" id), base64url. */
  async pseudonym(purpose: string, kind: 'device' | 'owner', id: string): Promise<string> {
    const key = await this.#key(purpose);
    const mac = createHmac('sha256', key.secret).update(`${kind}:${id}`, 'utf8').digest();
    return `p${key.version}_${mac.subarray(0, 16).toString('base64url')}`;
  }

  /** A new key version for `purpose`; the previous key is destroyed. Returns the new version. */
  async rotate(purpose: string): Promise<number> {
    check(purpose);
    const version = await this.#store.transaction(async (tx) => {
      const r = await tx.query<{ v: number | null }>(
        'select max(version)::int as v from privacy_pseudonym_keys where purpose = $1',
        [purpose],
      );
      const next = (r.rows[0]?.v ?? 0) + 1;
      await this.#insert(tx, purpose, next);
      await tx.query('delete from privacy_pseudonym_keys where purpose = $1 and version < $2', [purpose, next]);
      return next;
    });
    this.#keys.delete(purpose);
    return version;
  }

  async #key(purpose: string): Promise<Key> {
    const hit = this.#keys.get(purpose);
    if (hit) return hit;
    check(purpose);
    const load = async () => {
      const r = await this.#store.query<{ version: number; key_enc: Uint8Array }>(
        'select version, key_enc from privacy_pseudonym_keys where purpose = $1 order by version desc limit 1',
        [purpose],
      );
      return r.rows[0];
    };
    let row = await load();
    if (!row) {
      await this.#insert(this.#store, purpose, 1, true);
      row = await load();
    }
    const key = { version: row!.version, secret: this.#sealer.open(sealName(purpose, row!.version), row!.key_enc) };
    this.#keys.set(purpose, key);
    return key;
  }

  async #insert(sql: Pick<Store, 'query'>, purpose: string, version: number, ifAbsent = false): Promise<void> {
    const sealed = this.#sealer.seal(sealName(purpose, version), randomBytes(32));
    await sql.query(
      `insert into privacy_pseudonym_keys (purpose, version, key_enc, created_at) values ($1, $2, $3, $4)
       ${ifAbsent ? 'on conflict do nothing' : ''}`,
      [purpose, version, sealed, this.#clock.now()],
    );
  }
}

function sealName(purpose: string, version: number): string {
  return `privacy.pseudonym.${purpose}.v${version}`;
}

function check(purpose: string): void {
  if (!PURPOSES.has(purpose)) throw privacyError('FW_PRIVACY_PURPOSE_UNKNOWN', `unknown purpose ${purpose}`);
}
