import { randomBytes } from 'node:crypto';
import type { SecureContextOptions, TlsOptions } from 'node:tls';
import type { CrlInput, GatewayTls } from './types.js';

/**
 * TLS 1.2: ECDHE key exchange with AEAD ciphers only (forward secrecy, no CBC, no RSA key
 * transport). TLS 1.3: the default suites (all AEAD), listed so the TLS 1.2 list cannot
 * disable them.
 */
export const TLS12_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
] as const;
export const TLS13_SUITES = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
] as const;

/** Node takes CRLs as PEM; the identity capability hands out DER. */
export function crlToPem(crl: Buffer | string): string {
  if (typeof crl === 'string') return crl;
  if (crl.subarray(0, 5).toString('latin1') === '-----') return crl.toString('latin1');
  const b64 = crl.toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN X509 CRL-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END X509 CRL-----\n`;
}

/** The secure context: our certificate, the CAs clients must chain to, the CRL when there is one. */
export function secureContextOptions(tls: GatewayTls, crl: CrlInput | undefined): SecureContextOptions {
  const crls = crl === undefined ? [] : typeof crl === 'string' || Buffer.isBuffer(crl) ? [crl] : [...crl];
  return {
    key: tls.key,
    cert: tls.cert,
    ca: tls.ca as SecureContextOptions['ca'],
    ...(crls.length === 0 ? {} : { crl: crls.map(crlToPem) }),
    minVersion: 'TLSv1.2',
    ciphers: [...TLS13_SUITES, ...TLS12_CIPHERS].join(':'),
    honorCipherOrder: true,
  };
}

/** Server options: a client certificate is required and verified before any MQTT byte is read. */
export function serverOptions(tls: GatewayTls, handshakeTimeoutMs: number): TlsOptions {
  return {
    ...secureContextOptions(tls, tls.crl?.()),
    requestCert: true,
    rejectUnauthorized: true,
    handshakeTimeout: handshakeTimeoutMs,
    // TLS 1.3 resumption by session tickets; keys rotate with every CRL (see `newTicketKeys`).
    ticketKeys: newTicketKeys(),
    sessionTimeout: 300,
  };
}

/** Fresh ticket keys, so sessions resumed after a CRL change re-verify the certificate. */
export function newTicketKeys(): Buffer {
  return randomBytes(48);
}
