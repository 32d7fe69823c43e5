import { x509 } from '../crypto.js';

/**
 * A certs-only PKCS#7 (CMS SignedData without signers, RFC 5652 §5), base64 with line breaks
 * every 76 characters (RFC 2045), as EST answers (RFC 7030 §4.1.3, §4.2.3).
 */
export function certsOnlyBase64(ders: readonly Uint8Array[]): string {
  const certs = new x509.X509Certificates(ders.map((d) => new x509.X509Certificate(d)));
  const b64 = certs.export('base64');
  return (b64.match(/.{1,76}/g) ?? []).join('\r\n') + '\r\n';
}

export const PKCS7_CERTS_ONLY = 'application/pkcs7-mime; smime-type=certs-only';
