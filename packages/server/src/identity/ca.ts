import type { Clock } from '../kernel/index.js';
import type { Sealer } from '../secrets/index.js';
import type { Sql, Store } from '../store/index.js';
import {
  type CryptoKey,
  type CryptoKeyPair,
  EC_SIGN,
  exportPkcs8,
  generateEcKeys,
  importSigningKey,
  randomSerial,
  toDer,
  x509,
} from './crypto.js';
import { identityError } from './errors.js';

const YEAR_MS = 365 * 24 * 3600 * 1000;

/** A certificate with the key that signs under it (never extractable once loaded). */
export interface KeyedCert {
  readonly cert: x509.X509Certificate;
  readonly key: CryptoKey;
}

/** The two-level CA: an offline-style root that users trust, and the issuing intermediate. */
export interface CertificateAuthority {
  readonly root: KeyedCert;
  readonly issuing: KeyedCert;
}

interface CaRow {
  cert_der: Uint8Array;
  key_enc: Uint8Array;
}

/** The seal name of a key in `ca_keys`: binds the ciphertext to its row. */
export function sealName(id: string): string {
  return `ca_keys/${id}`;
}

export async function loadKeyed(db: Sql, sealer: Sealer, id: string): Promise<KeyedCert | undefined> {
  const r = await db.query<CaRow>('select cert_der, key_enc from ca_keys where id = $1', [id]);
  const row = r.rows[0];
  if (!row) return undefined;
  const key = await importSigningKey(sealer.open(sealName(id), row.key_enc));
  return { cert: new x509.X509Certificate(row.cert_der), key };
}

export async function storeKeyed(
  db: Sql,
  sealer: Sealer,
  id: string,
  cert: x509.X509Certificate,
  keys: CryptoKeyPair,
  at: Date,
): Promise<KeyedCert> {
  const sealed = sealer.seal(sealName(id), await exportPkcs8(keys.privateKey));
  await db.query(
    `insert into ca_keys (id, cert_der, key_enc, created_at) values ($1, $2, $3, $4)
     on conflict (id) do update set cert_der = excluded.cert_der, key_enc = excluded.key_enc, created_at = excluded.created_at`,
    [id, toDer(cert), sealed, at],
  );
  return { cert, key: keys.privateKey };
}

async function caExtensions(keys: CryptoKeyPair, pathLength: number, issuer?: x509.X509Certificate) {
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(true, pathLength, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
  ];
  if (issuer) extensions.push(await x509.AuthorityKeyIdentifierExtension.create(issuer));
  return extensions;
}

async function createCa(db: Sql, sealer: Sealer, now: Date): Promise<CertificateAuthority> {
  const rootKeys = await generateEcKeys();
  const rootCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: 'CN=Fleetward Root CA, O=Fleetward',
    notBefore: now,
    notAfter: new Date(now.getTime() + 20 * YEAR_MS),
    keys: rootKeys,
    signingAlgorithm: EC_SIGN,
    extensions: await caExtensions(rootKeys, 1),
  });
  const issuingKeys = await generateEcKeys();
  const issuingCert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: 'CN=Fleetward Issuing CA, O=Fleetward',
    issuer: rootCert.subjectName,
    notBefore: now,
    notAfter: new Date(now.getTime() + 10 * YEAR_MS),
    publicKey: issuingKeys.publicKey,
    signingKey: rootKeys.privateKey,
    signingAlgorithm: EC_SIGN,
    extensions: await caExtensions(issuingKeys, 0, rootCert),
  });
  return {
    root: await storeKeyed(db, sealer, 'root', rootCert, rootKeys, now),
    issuing: await storeKeyed(db, sealer, 'issuing', issuingCert, issuingKeys, now),
  };
}

/**
 * Loads the CA from `ca_keys`, creating it on the first start. Creation runs in one
 * transaction, so two servers starting at once on one PostgreSQL end with one CA.
 */
export async function openCertificateAuthority(
  store: Store,
  sealer: Sealer,
  clock: Clock,
): Promise<CertificateAuthority> {
  try {
    return await store.transaction(async (tx) => {
      if (store.kind === 'postgres') await tx.query('select pg_advisory_xact_lock(7262002)');
      const root = await loadKeyed(tx, sealer, 'root');
      const issuing = await loadKeyed(tx, sealer, 'issuing');
      if (root && issuing) return { root, issuing };
      return createCa(tx, sealer, clock.now());
    });
  } catch (cause) {
    throw identityError('FW_CA_UNAVAILABLE', 'cannot create or load the CA keys', { cause });
  }
}
