import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCommand, type RunningServer } from './harness.js';

/** Runs openssl and gives its stdout; throws with its stderr when it fails. */
async function openssl(args: string[]): Promise<string> {
  const r = await runCommand('openssl', args);
  if (r.code !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr}`);
  return r.stdout;
}

/** `openssl req -new` (a CSR) or `-x509` (a self-signed certificate) with a new, unencrypted P-256 key at `key`. */
async function reqWithNewP256Key(mode: '-new' | '-x509', key: string, rest: string[]): Promise<void> {
  await openssl([
    'req',
    mode,
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    key,
    ...rest,
  ]);
}

/** Makes a P-256 key and a DER CSR for `cn` with openssl, as a device maker would; returns the base64 body. */
export async function opensslCsr(
  dir: string,
  cn: string,
  subj = `/CN=${cn}`,
): Promise<{ key: string; csrB64: string }> {
  await mkdir(dir, { recursive: true });
  const key = join(dir, `${cn}.key`);
  const der = join(dir, `${cn}.csr.der`);
  await reqWithNewP256Key('-new', key, ['-subj', subj, '-outform', 'DER', '-out', der]);
  return { key, csrB64: (await readFile(der)).toString('base64') };
}

/** A manufacturer CA and an IDevID (IEEE 802.1AR) for `serial`, made with openssl as a factory would. */
export async function opensslIdevid(dir: string, serial: string): Promise<{ ca: string; cert: string; key: string }> {
  const ca = join(dir, 'mfr-ca.crt');
  const caKey = join(dir, 'mfr-ca.key');
  await reqWithNewP256Key('-x509', caKey, [
    '-out',
    ca,
    '-subj',
    '/CN=Acme Devices CA/O=Acme',
    '-days',
    '3650',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  const key = join(dir, 'idevid.key');
  const csr = join(dir, 'idevid.csr');
  const cert = join(dir, 'idevid.crt');
  const ext = join(dir, 'idevid.ext');
  await writeFile(ext, 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n');
  await reqWithNewP256Key('-new', key, ['-out', csr, '-subj', `/CN=Acme Sensor/O=Acme/serialNumber=${serial}`]);
  await openssl([
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    ca,
    '-CAkey',
    caKey,
    '-CAcreateserial',
    '-out',
    cert,
    '-days',
    '3650',
    '-extfile',
    ext,
  ]);
  return { ca, cert, key };
}

/** POSTs a CSR to EST simpleenroll with curl, authenticated by the curl options in `credentials`. */
export async function curlSimpleEnroll(
  server: RunningServer,
  csrB64: string,
  credentials: string[],
  extra: string[] = [],
) {
  return runCommand(
    'curl',
    [
      '-sS',
      '--cacert',
      server.caFile,
      ...credentials,
      '-H',
      'Content-Type: application/pkcs10',
      '--data-binary',
      '@-',
      '-w',
      '\n%{http_code}',
      ...extra,
      `${server.https}/.well-known/est/simpleenroll`,
    ],
    { input: csrB64 },
  );
}

/** POSTs a CSR to EST simpleenroll with curl and a claim token as the Basic password. */
export async function curlEnroll(server: RunningServer, csrB64: string, token: string, extra: string[] = []) {
  return curlSimpleEnroll(server, csrB64, ['-u', `device:${token}`], extra);
}

/** Splits curl's `-w '\n%{http_code}'` tail from the body. */
export function statusOf(stdout: string): { status: number; body: string } {
  const i = stdout.lastIndexOf('\n');
  return { status: Number(stdout.slice(i + 1)), body: stdout.slice(0, i) };
}

/** Turns an EST certs-only answer (base64 PKCS#7) into PEM certificates with openssl. */
export async function pkcs7ToPem(dir: string, name: string, b64: string): Promise<string> {
  const p7 = join(dir, `${name}.p7.der`);
  await writeFile(p7, Buffer.from(b64.replace(/\s+/g, ''), 'base64'));
  return openssl(['pkcs7', '-inform', 'DER', '-in', p7, '-print_certs']);
}
