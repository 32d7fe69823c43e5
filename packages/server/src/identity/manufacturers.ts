import { isDeviceId, isModelName } from '@fleetward/protocol';
import type { AuditLog, Clock } from '../kernel/index.js';
import { randomId } from '../kernel/index.js';
import type { Sql, Store } from '../store/index.js';
import { fingerprint, x509 } from './crypto.js';
import { identityError } from './errors.js';

export interface ManufacturerInput {
  readonly model: string;
  readonly name: string;
  /** The manufacturer's CA certificate (PEM) that signs the IDevIDs of this model. */
  readonly caPem: string;
  readonly actor: string;
}

/** A verified IDevID: which manufacturer vouches for which device id. */
export interface IdevidMatch {
  readonly manufacturerId: string;
  readonly model: string;
  readonly deviceId: string;
  /** Serial number of the IDevID certificate (hex). */
  readonly serial: string;
}

/** X.520 serialNumber: IEEE 802.1AR §8.6 puts the device serial number here. */
const SERIAL_NUMBER_OID = '2.5.4.5';
const MAX_CHAIN = 4;

function parseCa(pem: string): x509.X509Certificate {
  let cert: x509.X509Certificate;
  try {
    cert = new x509.X509Certificate(pem);
  } catch (cause) {
    throw identityError('FW_MANUFACTURER_INVALID', 'caPem is not a PEM certificate', { cause });
  }
  if (!cert.getExtension(x509.BasicConstraintsExtension)?.ca) {
    throw identityError('FW_MANUFACTURER_INVALID', 'the certificate is not a CA (basicConstraints cA)');
  }
  return cert;
}

/** Registers the CA of a manufacturer for one model (operator action, audited). Idempotent. */
export async function registerManufacturer(
  store: Store,
  clock: Clock,
  audit: AuditLog,
  input: ManufacturerInput,
): Promise<{ id: string }> {
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  if (!isModelName(input.model) || name.length === 0 || name.length > 200) {
    throw identityError('FW_MANUFACTURER_INVALID', 'a model name and a manufacturer name (1-200 chars) are needed');
  }
  const ca = parseCa(input.caPem);
  const der = Buffer.from(ca.rawData);
  const fp = fingerprint(der);
  return store.transaction(async (tx) => {
    const seen = await tx.query<{ id: string }>('select id from manufacturers where model = $1 and fingerprint = $2', [
      input.model,
      fp,
    ]);
    if (seen.rows[0]) return { id: seen.rows[0].id };
    const id = randomId('mfr');
    await tx.query(
      `insert into manufacturers (id, model, name, ca_der, fingerprint, created_at) values ($1, $2, $3, $4, $5, $6)`,
      [id, input.model, name, der, fp, clock.now()],
    );
    const details = { model: input.model, name, fingerprint: fp, subject: ca.subject };
    await audit.append(
      { actor: input.actor, action: 'manufacturer.register', target: `manufacturer:${id}`, details },
      tx,
    );
    return { id };
  });
}

function validAt(cert: x509.X509Certificate, now: Date): boolean {
  return now >= cert.notBefore && now <= cert.notAfter;
}

async function signedBy(cert: x509.X509Certificate, issuer: x509.X509Certificate): Promise<boolean> {
  if (cert.issuer !== issuer.subject) return false;
  return cert.verify({ publicKey: issuer.publicKey, signatureOnly: true }).catch(() => false);
}

/**
 * Verifies a TLS client certificate as an IDevID: a path leaf → (presented intermediates) →
 * a registered manufacturer CA, every link signed and valid now; the device id is the
 * subject serialNumber. Resolves undefined when no manufacturer vouches for it.
 */
export async function matchIdevid(db: Sql, now: Date, leafDer: Uint8Array, chainDer: readonly Uint8Array[]) {
  let leaf: x509.X509Certificate;
  let presented: x509.X509Certificate[];
  try {
    leaf = new x509.X509Certificate(leafDer);
    presented = chainDer.slice(0, MAX_CHAIN).map((d) => new x509.X509Certificate(d));
  } catch {
    return undefined;
  }
  const rows = await db.query<{ id: string; model: string; ca_der: Uint8Array }>(
    'select id, model, ca_der from manufacturers',
  );
  const anchors = rows.rows.map((r) => ({ ...r, cert: new x509.X509Certificate(r.ca_der) }));
  let current = leaf;
  for (let depth = 0; depth <= MAX_CHAIN && validAt(current, now); depth++) {
    for (const anchor of anchors) {
      if (validAt(anchor.cert, now) && (await signedBy(current, anchor.cert))) {
        return idevidOf(leaf, anchor.id, anchor.model);
      }
    }
    let next: x509.X509Certificate | undefined;
    for (const c of presented) {
      if (c !== current && c.getExtension(x509.BasicConstraintsExtension)?.ca && (await signedBy(current, c))) next = c;
    }
    if (!next) return undefined;
    current = next;
  }
  return undefined;
}

function idevidOf(leaf: x509.X509Certificate, manufacturerId: string, model: string): IdevidMatch {
  const serials = leaf.subjectName.getField(SERIAL_NUMBER_OID);
  const deviceId = serials[0];
  if (serials.length !== 1 || !isDeviceId(deviceId)) {
    throw identityError('FW_CSR_SUBJECT_INVALID', 'the IDevID subject serialNumber is not a valid device id');
  }
  return { manufacturerId, model, deviceId, serial: leaf.serialNumber };
}
