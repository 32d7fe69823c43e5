import { request } from 'node:https';
import { agentError } from '../errors.js';
import { x509 } from './crypto.js';

const MAX_RESPONSE = 256 * 1024;
const TIMEOUT_MS = 30_000;

export interface EstTarget {
  /** https://host:port of the Fleetward server. */
  readonly server: string;
  /** The only root trusted for the server certificate (PEM). */
  readonly caPem: string;
  /** HTTP Authorization header value (claim token). */
  readonly authorization?: string;
  /** TLS client certificate and key (PEM), for re-enrollment. */
  readonly clientCert?: { cert: string; key: string };
}

interface Answer {
  status: number;
  body: string;
}

function call(target: EstTarget, path: string, body?: string): Promise<Answer> {
  const url = new URL(path, target.server);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: body === undefined ? 'GET' : 'POST',
        ca: target.caPem,
        minVersion: 'TLSv1.2',
        timeout: TIMEOUT_MS,
        agent: false,
        ...(target.clientCert ?? {}),
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/pkcs10' } : {}),
          ...(target.authorization ? { authorization: target.authorization } : {}),
        },
      },
      (res) => {
        let size = 0;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_RESPONSE) req.destroy(agentError('FW_AGENT_RESPONSE_INVALID', 'answer too large'));
          else chunks.push(c);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (cause) =>
      reject(
        (cause as { code?: string }).code === 'FW_AGENT_RESPONSE_INVALID'
          ? cause
          : agentError('FW_AGENT_SERVER_UNREACHABLE', `cannot reach ${url.origin}`, { cause }),
      ),
    );
    req.end(body);
  });
}

function refused(answer: Answer): Error {
  let code = 'unknown';
  try {
    code = (JSON.parse(answer.body) as { error: { code: string } }).error.code;
  } catch {
    // not our JSON error shape: keep only the status
  }
  return agentError('FW_AGENT_ENROLL_REFUSED', `server answered ${answer.status} ${code}`, {
    cause: { status: answer.status, code },
  });
}

/** Parses a certs-only PKCS#7 (RFC 7030 §4.1.3, §4.2.3). */
function certsOf(answer: Answer): x509.X509Certificate[] {
  try {
    return [...new x509.X509Certificates(answer.body.replace(/\s+/g, ''))];
  } catch (cause) {
    throw agentError('FW_AGENT_RESPONSE_INVALID', 'the answer is not a base64 PKCS#7 certs-only', { cause });
  }
}

/** RFC 7030 §4.1: the CA certificates. */
export async function getCaCerts(target: EstTarget): Promise<x509.X509Certificate[]> {
  const answer = await call(target, '/.well-known/est/cacerts');
  if (answer.status !== 200) throw refused(answer);
  return certsOf(answer);
}

/** RFC 7030 §4.2.1 / §4.2.2: posts the base64 CSR, returns the issued certificate. */
export async function postCsr(target: EstTarget, op: 'simpleenroll' | 'simplereenroll', csrB64: string) {
  const answer = await call(target, `/.well-known/est/${op}`, csrB64);
  if (answer.status !== 200) throw refused(answer);
  const [cert] = certsOf(answer);
  if (!cert) throw agentError('FW_AGENT_RESPONSE_INVALID', 'the answer holds no certificate');
  return cert;
}
