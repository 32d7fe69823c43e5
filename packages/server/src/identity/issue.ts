import { deviceUrn } from '@fleetward/protocol';
import type { CertificateAuthority } from './ca.js';
import { EC_SIGN, randomSerial, x509 } from './crypto.js';

export const DEFAULT_DEVICE_CERT_DAYS = 90;
/** notBefore is set this far in the past, for devices whose clock runs a little behind. */
const BACKDATE_MS = 5 * 60 * 1000;

/**
 * The device certificate profile (RFC 5280): subject CN=<id>, SAN URI urn:fleetward:device:<id>,
 * EKU clientAuth, KU digitalSignature (critical), basicConstraints CA:false (critical),
 * SKI/AKI, a random 128-bit serial, issued by the issuing intermediate.
 */
export async function issueDeviceCertificate(
  ca: CertificateAuthority,
  deviceId: string,
  publicKey: x509.PublicKey,
  now: Date,
  validityDays: number = DEFAULT_DEVICE_CERT_DAYS,
): Promise<x509.X509Certificate> {
  const notAfter = new Date(now.getTime() + validityDays * 24 * 3600 * 1000);
  return x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: new x509.Name([{ CN: [deviceId] }]),
    issuer: ca.issuing.cert.subjectName,
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter: notAfter < ca.issuing.cert.notAfter ? notAfter : ca.issuing.cert.notAfter,
    publicKey,
    signingKey: ca.issuing.key,
    signingAlgorithm: EC_SIGN,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
      new x509.SubjectAlternativeNameExtension([{ type: 'url', value: deviceUrn(deviceId) }]),
      await x509.SubjectKeyIdentifierExtension.create(publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca.issuing.cert),
    ],
  });
}
