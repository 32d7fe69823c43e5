import { isIP } from 'node:net';
import type { Clock } from '../kernel/index.js';
import type { Sealer } from '../secrets/index.js';
import type { Store } from '../store/index.js';
import type { CertificateAuthority } from './ca.js';
import { sealName } from './ca.js';
import { EC_SIGN, exportPkcs8, generateEcKeys, randomSerial, toDer, x509 } from './crypto.js';

const DAY_MS = 24 * 3600 * 1000;
/** Validity of the server certificate, and how early before expiry it is replaced. */
const TLS_VALIDITY_MS = 397 * DAY_MS;
const TLS_RENEW_BEFORE_MS = 30 * DAY_MS;

export const DEFAULT_TLS_HOSTNAMES: readonly string[] = ['localhost', '127.0.0.1', '::1'];

/** Key and certificate chain (leaf, issuing CA) for the HTTPS and MQTTS listeners. */
export interface ServerTls {
  readonly key: string;
  readonly cert: string;
}

function sanOf(hostnames: readonly string[]): x509.JsonGeneralNames {
  return hostnames.map((h) => (isIP(h) ? { type: 'ip' as const, value: h } : { type: 'dns' as const, value: h }));
}

function sameNames(cert: x509.X509Certificate, hostnames: readonly string[]): boolean {
  const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
  const have = (san?.names.toJSON() ?? []).map((n) => `${n.type}:${n.value}`).sort();
  const want = sanOf(hostnames)
    .map((n) => `${n.type}:${n.type === 'ip' ? new x509.GeneralName('ip', n.value).toJSON().value : n.value}`)
    .sort();
  return have.length === want.length && have.every((v, i) => v === want[i]);
}

async function issue(ca: CertificateAuthority, hostnames: readonly string[], now: Date) {
  const keys = await generateEcKeys();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: new x509.Name([{ CN: [hostnames[0] ?? 'localhost'] }]),
    issuer: ca.issuing.cert.subjectName,
    notBefore: new Date(now.getTime() - 5 * 60 * 1000),
    notAfter: new Date(now.getTime() + TLS_VALIDITY_MS),
    publicKey: keys.publicKey,
    signingKey: ca.issuing.key,
    signingAlgorithm: EC_SIGN,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(sanOf(hostnames)),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca.issuing.cert),
    ],
  });
  return { cert, keys };
}

/**
 * The server's TLS certificate ('server-tls' in ca_keys), issued by the issuing CA for the
 * configured host names; reissued when the names changed or it expires within 30 days.
 */
export async function ensureServerTls(
  store: Store,
  sealer: Sealer,
  clock: Clock,
  ca: CertificateAuthority,
  hostnames: readonly string[] = DEFAULT_TLS_HOSTNAMES,
): Promise<ServerTls> {
  const now = clock.now();
  let current = await loadServerTls(store, sealer);
  const fresh =
    current &&
    current.cert.notAfter.getTime() - now.getTime() > TLS_RENEW_BEFORE_MS &&
    sameNames(current.cert, hostnames) &&
    (await current.cert.verify({ publicKey: ca.issuing.cert.publicKey, signatureOnly: true }));
  if (!current || !fresh) {
    const { cert, keys } = await issue(ca, hostnames, now);
    const pkcs8 = await exportPkcs8(keys.privateKey);
    await store.query(
      `insert into ca_keys (id, cert_der, key_enc, created_at) values ('server-tls', $1, $2, $3)
       on conflict (id) do update set cert_der = excluded.cert_der, key_enc = excluded.key_enc, created_at = excluded.created_at`,
      [toDer(cert), sealer.seal(sealName('server-tls'), pkcs8), now],
    );
    current = { cert, pkcs8 };
  }
  return {
    key: x509.PemConverter.encode(current.pkcs8, 'PRIVATE KEY'),
    cert: [current.cert.toString('pem'), ca.issuing.cert.toString('pem')].join('\n') + '\n',
  };
}

/** The stored TLS key as PKCS#8 bytes (the listener needs them, unlike the CA keys). */
async function loadServerTls(store: Store, sealer: Sealer) {
  const r = await store.query<{ cert_der: Uint8Array; key_enc: Uint8Array }>(
    `select cert_der, key_enc from ca_keys where id = 'server-tls'`,
  );
  const row = r.rows[0];
  if (!row) return undefined;
  return { cert: new x509.X509Certificate(row.cert_der), pkcs8: sealer.open(sealName('server-tls'), row.key_enc) };
}
