import type { Context } from '../kernel/index.js';
import type { CertificateAuthority } from './ca.js';
import { checkClaim } from './claims.js';
import type { x509 } from './crypto.js';
import { checkCsr } from './csr.js';
import { identityError } from './errors.js';
import { issueDeviceCertificate } from './issue.js';
import type { IdevidMatch } from './manufacturers.js';
import { assertDeviceIdFree, insertCertificate, insertDevice } from './records.js';
import type { VerifiedDevice } from './verify.js';

export interface EnrollDeps {
  readonly ctx: Context;
  readonly ca: CertificateAuthority;
  readonly validityDays: number;
}

/** A certificate just issued and recorded. */
export interface Enrollment {
  readonly deviceId: string;
  readonly model: string;
  readonly serial: string;
  readonly certificate: x509.X509Certificate;
}

function announce(deps: EnrollDeps, e: Enrollment): Enrollment {
  deps.ctx.events.emit('device.enrolled', { deviceId: e.deviceId, model: e.model, serial: e.serial });
  return e;
}

/**
 * Enrollment with a claim token (RFC 7030 §4.2.1, authenticated per §3.2.3). The token is
 * checked first, then the CSR; one use is taken in the transaction that records the device,
 * so a refused CSR or a taken id costs no use.
 */
export async function enrollWithClaim(deps: EnrollDeps, token: string, csrDer: Uint8Array): Promise<Enrollment> {
  const { store, clock, audit } = deps.ctx;
  await checkClaim(store, clock, token);
  const { csr, deviceId, keyType } = await checkCsr(csrDer);
  await assertDeviceIdFree(store, deviceId);
  const certificate = await issueDeviceCertificate(deps.ca, deviceId, csr.publicKey, clock.now(), deps.validityDays);
  const serial = certificate.serialNumber;
  const model = await store.transaction(async (tx) => {
    const grant = await checkClaim(tx, clock, token, true);
    const at = clock.now();
    await insertDevice(tx, { id: deviceId, model: grant.model, via: 'claim', claimId: grant.id, at });
    await insertCertificate(tx, deviceId, certificate, at);
    const details = { via: 'claim', claim: grant.id, model: grant.model, serial, keyType };
    await audit.append(
      { actor: `claim:${grant.id}`, action: 'device.enroll', target: `device:${deviceId}`, details },
      tx,
    );
    return grant.model;
  });
  return announce(deps, { deviceId, model, serial, certificate });
}

/** Enrollment with a manufacturer birth certificate (IEEE 802.1AR IDevID). */
export async function enrollWithIdevid(deps: EnrollDeps, idevid: IdevidMatch, csrDer: Uint8Array): Promise<Enrollment> {
  const { store, clock, audit } = deps.ctx;
  const { csr, deviceId, keyType } = await checkCsr(csrDer, idevid.deviceId);
  await assertDeviceIdFree(store, deviceId);
  const certificate = await issueDeviceCertificate(deps.ca, deviceId, csr.publicKey, clock.now(), deps.validityDays);
  const serial = certificate.serialNumber;
  await store.transaction(async (tx) => {
    const at = clock.now();
    await insertDevice(tx, { id: deviceId, model: idevid.model, via: 'idevid', idevidSerial: idevid.serial, at });
    await insertCertificate(tx, deviceId, certificate, at);
    const details = { via: 'idevid', manufacturer: idevid.manufacturerId, idevid: idevid.serial, serial, keyType };
    await audit.append(
      { actor: `idevid:${idevid.serial}`, action: 'device.enroll', target: `device:${deviceId}`, details },
      tx,
    );
  });
  return announce(deps, { deviceId, model: idevid.model, serial, certificate });
}

/**
 * Renewal (RFC 7030 §4.2.2): the caller proved the current certificate; the CSR must name the
 * same device. Earlier certificates become `superseded` and stay usable until they expire.
 */
export async function reenroll(deps: EnrollDeps, device: VerifiedDevice, csrDer: Uint8Array): Promise<Enrollment> {
  const { store, clock, audit } = deps.ctx;
  const { csr, deviceId, keyType } = await checkCsr(csrDer, device.deviceId);
  const certificate = await issueDeviceCertificate(deps.ca, deviceId, csr.publicKey, clock.now(), deps.validityDays);
  const serial = certificate.serialNumber;
  await store.transaction(async (tx) => {
    const at = clock.now();
    const now = await tx.query<{ state: string }>('select state from devices where id = $1 for update', [deviceId]);
    if (now.rows[0]?.state === 'revoked') throw identityError('FW_CERT_REVOKED', `device ${deviceId} was revoked`);
    if (now.rows[0]?.state !== 'active' && now.rows[0]?.state !== 'quarantined') {
      throw identityError('FW_DEVICE_NOT_ACTIVE', `device ${deviceId} is not active`);
    }
    await tx.query(`update certificates set status = 'superseded' where device_id = $1 and status = 'valid'`, [
      deviceId,
    ]);
    await insertCertificate(tx, deviceId, certificate, at);
    await tx.query('update devices set updated_at = $2 where id = $1', [deviceId, at]);
    const details = { previous: device.serial, serial, keyType };
    await audit.append(
      { actor: `device:${deviceId}`, action: 'device.reenroll', target: `device:${deviceId}`, details },
      tx,
    );
  });
  return announce(deps, { deviceId, model: device.model, serial, certificate });
}
