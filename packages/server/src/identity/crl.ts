import { AsnConvert } from '@peculiar/asn1-schema';
import { CRLNumber, id_ce_cRLNumber } from '@peculiar/asn1-x509';
import type { Clock } from '../kernel/index.js';
import type { Sql } from '../store/index.js';
import type { KeyedCert } from './ca.js';
import { EC_SIGN, toDer, x509 } from './crypto.js';

const HOUR_MS = 3600 * 1000;
/** RFC 5280 §5.1.2.5: relying parties fetch again before nextUpdate; we re-sign every 12 h. */
const NEXT_UPDATE_MS = 48 * HOUR_MS;
const RESIGN_AFTER_MS = 12 * HOUR_MS;

interface RevokedRow {
  serial: string;
  revoked_at: Date;
  revocation_reason: number | null;
}

/**
 * The CRL of the issuing CA (RFC 5280 §5), DER. Kept in memory and signed again when the
 * set of revoked certificates changed (checked against the store, so other server processes'
 * revocations show too) or the copy is 12 hours old. Expired certificates drop out.
 */
export class CrlPublisher {
  #der: Buffer | undefined;
  #stamp = '';
  #signedAt = 0;
  #pending: Promise<Buffer> | undefined;

  constructor(
    private readonly db: Sql,
    private readonly clock: Clock,
    private readonly issuing: KeyedCert,
    /** False for the root's CRL: it lists revoked CA certificates, of which there are none yet. */
    private readonly listsDevices = true,
  ) {}

  /** Forget the cached CRL (after a revocation in this process). */
  invalidate(): void {
    this.#stamp = '';
  }

  async current(): Promise<Buffer> {
    this.#pending ??= this.#refresh().finally(() => (this.#pending = undefined));
    return this.#pending;
  }

  async #refresh(): Promise<Buffer> {
    const now = this.clock.now();
    const s = this.listsDevices
      ? await this.db.query<{ n: number; last: Date | null }>(
          `select count(*)::int as n, max(revoked_at) as last from certificates where status = 'revoked'`,
        )
      : { rows: [{ n: 0, last: null }] };
    const stamp = `${s.rows[0]?.n ?? 0}/${s.rows[0]?.last ? new Date(s.rows[0].last).toISOString() : ''}`;
    if (this.#der && stamp === this.#stamp && now.getTime() - this.#signedAt < RESIGN_AFTER_MS) return this.#der;
    const rows = this.listsDevices
      ? await this.db.query<RevokedRow>(
          `select serial, revoked_at, revocation_reason from certificates
           where status = 'revoked' and not_after > $1 order by revoked_at`,
          [now],
        )
      : { rows: [] as RevokedRow[] };
    // RFC 5280 §5.2.3: a monotonically increasing CRL number; the signing time in ms is one
    // across processes and restarts (as long as the clock does not go back).
    const crlNumber = new x509.Extension(
      id_ce_cRLNumber,
      false,
      AsnConvert.serialize(new CRLNumber(Math.max(now.getTime(), this.#signedAt + 1))),
    );
    const crl = await x509.X509CrlGenerator.create({
      issuer: this.issuing.cert.subjectName,
      thisUpdate: now,
      nextUpdate: new Date(now.getTime() + NEXT_UPDATE_MS),
      signingKey: this.issuing.key,
      signingAlgorithm: EC_SIGN,
      extensions: [await x509.AuthorityKeyIdentifierExtension.create(this.issuing.cert), crlNumber],
      entries: rows.rows.map((r) => ({
        serialNumber: r.serial,
        revocationDate: new Date(r.revoked_at),
        ...(r.revocation_reason !== null ? { reason: r.revocation_reason as x509.X509CrlReason } : {}),
      })),
    });
    this.#der = toDer(crl);
    this.#stamp = stamp;
    this.#signedAt = now.getTime();
    return this.#der;
  }
}
