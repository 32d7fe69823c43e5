import type { Clock, DeviceState } from '../kernel/index.js';
import type { Sql } from '../store/index.js';
import { fingerprint } from './crypto.js';
import { identityError } from './errors.js';

/** Who a valid device certificate belongs to. */
export interface VerifiedDevice {
  readonly deviceId: string;
  readonly serial: string;
  readonly model: string;
  readonly state: DeviceState;
}

/** Checks a client certificate from a TLS handshake (HTTPS or MQTT); throws a coded error. */
export type DeviceCertificateVerifier = (der: Uint8Array) => Promise<VerifiedDevice>;

const MAX_CERT_DER = 16 * 1024;

interface Row {
  device_id: string;
  serial: string;
  status: string;
  not_before: Date;
  not_after: Date;
  model: string;
  state: DeviceState;
}

/**
 * Builds the verifier. A device certificate is trusted when its exact DER is one this CA
 * issued: the SHA-256 fingerprint is looked up in `certificates` (unique index), which gives
 * the device, validity (RFC 5280 §6.1.3 (a)(2)), revocation and device state in one indexed
 * query, with no ASN.1 parsing and no signature check on the hot path (the MQTT gateway calls
 * this on every connection; TLS has already verified the chain and the CRL there). Nobody can
 * present a certificate we did not issue whose hash equals one we did, so the signature and
 * profile were checked once, when we issued it.
 */
export function deviceCertificateVerifier(db: Sql, clock: Clock): DeviceCertificateVerifier {
  return async (der) => {
    if (der.length === 0 || der.length > MAX_CERT_DER)
      throw identityError('FW_CERT_UNTRUSTED', 'no usable certificate');
    const r = await db.query<Row>(
      `select c.device_id, c.serial, c.status, c.not_before, c.not_after, d.model, d.state
       from certificates c join devices d on d.id = c.device_id where c.fingerprint = $1`,
      [fingerprint(der)],
    );
    const row = r.rows[0];
    if (!row) throw identityError('FW_CERT_UNTRUSTED', 'not a device certificate issued by this CA');
    const now = clock.now().getTime();
    if (now < new Date(row.not_before).getTime() || now > new Date(row.not_after).getTime()) {
      throw identityError('FW_CERT_EXPIRED', 'the certificate is not valid now');
    }
    const deviceId = row.device_id;
    if (row.status === 'revoked' || row.state === 'revoked') {
      throw identityError('FW_CERT_REVOKED', `the certificate of ${deviceId} is revoked`);
    }
    if (row.state === 'retired') throw identityError('FW_DEVICE_NOT_ACTIVE', `device ${deviceId} is retired`);
    return { deviceId, serial: row.serial, model: row.model, state: row.state };
  };
}
