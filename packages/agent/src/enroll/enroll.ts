import { isDeviceId } from '@fleetward/protocol';
import { mkdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { agentError } from '../errors.js';
import { buildCsr, generateKeys, keyFromPem, keyToPem, x509, type CryptoKeyPair } from './crypto.js';
import { getCaCerts, postCsr, type EstTarget } from './est-client.js';
import { createSecretFile, DEVICE_FILES, readOptional, replaceFile } from './files.js';

export interface EnrollOptions {
  /** https://host:port of the Fleetward server. */
  readonly server: string;
  /** The root certificate to trust (PEM text), e.g. the content of the server's ca.pem. */
  readonly caPem: string;
  readonly claimToken: string;
  readonly deviceId: string;
  /** Where device.key, device.crt and ca.pem go. */
  readonly outDir: string;
}

export interface EnrollResult {
  /** The device certificate followed by the issuing CA certificate (device.crt). */
  readonly certificatePem: string;
  readonly serial: string;
  readonly notAfter: Date;
}

function checkServer(server: string): void {
  let url: URL;
  try {
    url = new URL(server);
  } catch (cause) {
    throw agentError('FW_AGENT_INPUT_INVALID', 'server must be an https:// URL', { cause });
  }
  if (url.protocol !== 'https:') throw agentError('FW_AGENT_INPUT_INVALID', 'server must be an https:// URL');
}

function checkRoot(caPem: string): x509.X509Certificate {
  try {
    return new x509.X509Certificate(caPem);
  } catch (cause) {
    throw agentError('FW_AGENT_INPUT_INVALID', 'the CA file is not a PEM certificate', { cause });
  }
}

/**
 * Checks what the server issued: our key, our id, signed by the issuing CA that the trusted
 * root signed. Returns the device.crt text (leaf, then issuing CA).
 */
async function accept(
  target: EstTarget,
  root: x509.X509Certificate,
  cert: x509.X509Certificate,
  id: string,
  keys: CryptoKeyPair,
) {
  const ours = Buffer.from(await (await x509.PublicKey.create(keys.publicKey as never)).rawData);
  const cas = await getCaCerts(target);
  const issuing = cas.find((c) => c.subject === cert.issuer);
  const chained =
    issuing !== undefined &&
    (await cert.verify({ publicKey: issuing.publicKey, signatureOnly: true })) &&
    (await issuing.verify({ publicKey: root.publicKey, signatureOnly: true }));
  if (!chained || !Buffer.from(cert.publicKey.rawData).equals(ours) || cert.subjectName.getField('CN')[0] !== id) {
    throw agentError('FW_AGENT_RESPONSE_INVALID', 'the issued certificate does not match this device or CA');
  }
  return `${cert.toString('pem')}\n${issuing.toString('pem')}\n`;
}

/**
 * Enrolls a device (RFC 7030 §4.2.1): makes its key here (device.key, PKCS#8, mode 0600, never
 * sent), sends a CSR with the claim token, checks and writes device.crt and ca.pem. A key left
 * by an interrupted attempt is reused.
 */
export async function enrollDevice(options: EnrollOptions): Promise<EnrollResult> {
  const { server, caPem, claimToken, deviceId, outDir } = options;
  if (!isDeviceId(deviceId)) throw agentError('FW_AGENT_INPUT_INVALID', 'device id must match [a-z0-9][a-z0-9-]{2,63}');
  if (!claimToken || /\s/.test(claimToken)) throw agentError('FW_AGENT_INPUT_INVALID', 'claim token missing');
  checkServer(server);
  const root = checkRoot(caPem);
  await mkdir(outDir, { recursive: true, mode: 0o700 });
  if (await readOptional(outDir, DEVICE_FILES.cert)) {
    throw agentError('FW_AGENT_ALREADY_ENROLLED', `${DEVICE_FILES.cert} exists in ${outDir}`);
  }
  const keys = await loadOrCreateKey(join(outDir, DEVICE_FILES.key));
  const target: EstTarget = { server, caPem, authorization: `Bearer ${claimToken}` };
  const cert = await postCsr(target, 'simpleenroll', await buildCsr(deviceId, keys));
  const certificatePem = await accept(target, root, cert, deviceId, keys);
  await replaceFile(join(outDir, DEVICE_FILES.ca), caPem.endsWith('\n') ? caPem : `${caPem}\n`);
  await replaceFile(join(outDir, DEVICE_FILES.cert), certificatePem);
  return { certificatePem, serial: cert.serialNumber, notAfter: cert.notAfter };
}

async function loadOrCreateKey(path: string): Promise<CryptoKeyPair> {
  const existing = await readOptional(path, '');
  if (existing) return keyFromPem(existing);
  const keys = await generateKeys();
  await createSecretFile(path, await keyToPem(keys));
  return keys;
}

export interface ReenrollOptions {
  readonly server: string;
  /** The directory of an enrolled device (device.key, device.crt, ca.pem). */
  readonly dir: string;
}

/**
 * Renews the certificate (RFC 7030 §4.2.2) with a new key: authenticates with the current
 * certificate, then replaces device.key and device.crt only once the new certificate checks.
 */
export async function reenrollDevice(options: ReenrollOptions): Promise<EnrollResult> {
  const { server, dir } = options;
  checkServer(server);
  const [keyPem, certPem, caPem] = await Promise.all(
    [DEVICE_FILES.key, DEVICE_FILES.cert, DEVICE_FILES.ca].map((f) => readOptional(dir, f)),
  );
  if (!keyPem || !certPem || !caPem) throw agentError('FW_AGENT_NOT_ENROLLED', `${dir} holds no device identity`);
  const current = new x509.X509Certificate(certPem);
  const deviceId = current.subjectName.getField('CN')[0] ?? '';
  const keys = await generateKeys();
  const target: EstTarget = { server, caPem, clientCert: { cert: certPem, key: keyPem } };
  const cert = await postCsr(target, 'simplereenroll', await buildCsr(deviceId, keys));
  const certificatePem = await accept(target, checkRoot(caPem), cert, deviceId, keys);
  const nextKey = join(dir, `${DEVICE_FILES.key}.next`);
  await unlink(nextKey).catch(() => undefined);
  await createSecretFile(nextKey, await keyToPem(keys));
  await replaceFile(join(dir, DEVICE_FILES.cert), certificatePem);
  await replaceFile(join(dir, DEVICE_FILES.key), await keyToPem(keys), 0o600);
  await unlink(nextKey).catch(() => undefined);
  return { certificatePem, serial: cert.serialNumber, notAfter: cert.notAfter };
}
