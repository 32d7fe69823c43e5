import type { Sql } from '../store/index.js';
import { fingerprint, toDer, type x509 } from './crypto.js';
import { identityError } from './errors.js';

export interface NewDevice {
  readonly id: string;
  readonly model: string;
  readonly via: 'claim' | 'idevid';
  readonly claimId?: string;
  readonly idevidSerial?: string;
  readonly at: Date;
}

/** Inserts the device; FW_DEVICE_ID_TAKEN when the id exists (the caller's transaction rolls back). */
export async function insertDevice(db: Sql, d: NewDevice): Promise<void> {
  const r = await db.query(
    `insert into devices (id, model, state, enrolled_via, claim_id, idevid_serial, enrolled_at, updated_at)
     values ($1, $2, 'active', $3, $4, $5, $6, $6) on conflict (id) do nothing`,
    [d.id, d.model, d.via, d.claimId ?? null, d.idevidSerial ?? null, d.at],
  );
  if (r.rowCount !== 1) throw identityError('FW_DEVICE_ID_TAKEN', `device ${d.id} is already enrolled`);
}

export async function assertDeviceIdFree(db: Sql, id: string): Promise<void> {
  const r = await db.query('select 1 from devices where id = $1', [id]);
  if (r.rows.length > 0) throw identityError('FW_DEVICE_ID_TAKEN', `device ${id} is already enrolled`);
}

export async function insertCertificate(db: Sql, deviceId: string, cert: x509.X509Certificate, at: Date) {
  const der = toDer(cert);
  await db.query(
    `insert into certificates (serial, device_id, der, fingerprint, not_before, not_after, status, created_at)
     values ($1, $2, $3, $4, $5, $6, 'valid', $7)`,
    [cert.serialNumber, deviceId, der, fingerprint(der), cert.notBefore, cert.notAfter, at],
  );
}
