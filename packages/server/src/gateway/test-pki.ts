/**
 * A throw-away PKI for gateway tests and the benchmark, generated at run time (no key is ever
 * committed): root CA → issuing CA → server and device certificates, a foreign CA, CRLs.
 * ECDSA P-256, as the identity capability issues.
 */
import 'reflect-metadata';
import { createPrivateKey, randomBytes, webcrypto } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type KeyPair = webcrypto.CryptoKeyPair;
const EC_KEY = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const EC_SIGN = { name: 'ECDSA', hash: 'SHA-256' } as const;
const DAY = 86_400_000;

export interface Credential {
  readonly id: string;
  readonly certPem: string;
  readonly keyPem: string;
  readonly der: Buffer;
  readonly serial: string;
}

interface Authority {
  readonly name: string;
  readonly cert: x509.X509Certificate;
  readonly keys: KeyPair;
}

export interface DeviceCertOptions {
  /** notAfter in the past. */
  readonly expired?: boolean;
  /** Issued by an unrelated CA the gateway does not trust. */
  readonly foreign?: boolean;
  /** Reuse one key pair for every certificate asking for it (benchmarks with thousands of devices). */
  readonly sharedKey?: boolean;
}

let sharedKeys: Promise<KeyPair> | undefined;

export class TestPki {
  private constructor(
    private readonly root: Authority,
    private readonly issuing: Authority,
    private readonly foreign: Authority,
    readonly server: Credential,
  ) {}

  static async create(): Promise<TestPki> {
    const root = await authority('Test Root CA');
    const issuing = await authority('Test Issuing CA', root);
    const foreign = await authority('Foreign CA');
    const server = await leaf('localhost', issuing, 'server', {});
    return new TestPki(root, issuing, foreign, server);
  }

  /** The certificates the gateway trusts (`tls.ca`): issuing and root. */
  get caPems(): string[] {
    return [this.issuing.cert.toString('pem'), this.root.cert.toString('pem')];
  }

  /** The trust anchor for clients verifying the gateway (issuing + root bundle). */
  get caBundle(): string {
    return this.caPems.join('\n');
  }

  device(id: string, options: DeviceCertOptions = {}): Promise<Credential> {
    return leaf(id, options.foreign ? this.foreign : this.issuing, 'client', options);
  }

  /** The CRLs of the chain (DER): the issuing CA's, revoking `serials`, and the root's (empty). */
  async crl(serials: readonly string[] = []): Promise<Buffer[]> {
    return [await signCrl(this.issuing, serials), await signCrl(this.root, [])];
  }

  /** Writes `ca.pem` and, per credential, `<id>.crt` / `<id>.key` (for mosquitto tools). */
  async writeFiles(dir: string, credentials: readonly Credential[]): Promise<void> {
    await writeFile(join(dir, 'ca.pem'), this.caBundle);
    for (const c of credentials) {
      await writeFile(join(dir, `${c.id}.crt`), c.certPem);
      await writeFile(join(dir, `${c.id}.key`), c.keyPem, { mode: 0o600 });
    }
  }
}

/** The CN of a certificate (what a test authenticate hook maps to a device id). */
export function commonName(der: Buffer): string {
  return new x509.X509Certificate(der).subjectName.getField('CN')[0] ?? '';
}

async function signCrl(ca: Authority, serials: readonly string[]): Promise<Buffer> {
  const now = Date.now();
  const crl = await x509.X509CrlGenerator.create({
    issuer: ca.name,
    thisUpdate: new Date(now - 60_000),
    nextUpdate: new Date(now + DAY),
    entries: serials.map((serialNumber) => ({ serialNumber, revocationDate: new Date(now - 30_000) })),
    signingKey: ca.keys.privateKey,
    signingAlgorithm: EC_SIGN,
  });
  return Buffer.from(crl.rawData);
}

async function authority(cn: string, parent?: Authority): Promise<Authority> {
  const keys = (await webcrypto.subtle.generateKey(EC_KEY, true, ['sign', 'verify'])) as KeyPair;
  const name = `CN=${cn}`;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: name,
    issuer: parent?.name ?? name,
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + 365 * DAY),
    publicKey: keys.publicKey,
    signingKey: (parent?.keys ?? keys).privateKey,
    signingAlgorithm: EC_SIGN,
    extensions: [
      new x509.BasicConstraintsExtension(true, parent === undefined ? 1 : 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { name, cert, keys };
}

async function leaf(
  id: string,
  issuer: Authority,
  role: 'server' | 'client',
  options: DeviceCertOptions,
): Promise<Credential> {
  const keys = options.sharedKey
    ? await (sharedKeys ??= webcrypto.subtle.generateKey(EC_KEY, true, ['sign', 'verify']) as Promise<KeyPair>)
    : ((await webcrypto.subtle.generateKey(EC_KEY, true, ['sign', 'verify'])) as KeyPair);
  const now = Date.now();
  const serialNumber = serial();
  const san =
    role === 'server'
      ? [
          { type: 'dns' as const, value: 'localhost' },
          { type: 'ip' as const, value: '127.0.0.1' },
        ]
      : [{ type: 'url' as const, value: `urn:fleetward:device:${id}` }];
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber,
    subject: `CN=${id}`,
    issuer: issuer.name,
    notBefore: new Date(now - (options.expired ? 30 * DAY : DAY)),
    notAfter: new Date(now + (options.expired ? -DAY : 30 * DAY)),
    publicKey: keys.publicKey,
    signingKey: issuer.keys.privateKey,
    signingAlgorithm: EC_SIGN,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([role === 'server' ? '1.3.6.1.5.5.7.3.1' : '1.3.6.1.5.5.7.3.2']),
      new x509.SubjectAlternativeNameExtension(san),
      await x509.AuthorityKeyIdentifierExtension.create(issuer.keys.publicKey),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const keyPem = String(
    createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }).export({ format: 'pem', type: 'pkcs8' }),
  );
  return { id, certPem: cert.toString('pem'), keyPem, der: Buffer.from(cert.rawData), serial: cert.serialNumber };
}

function serial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return bytes.toString('hex');
}
