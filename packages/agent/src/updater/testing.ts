// Test support: a TUF repository (spec §4, consistent snapshots) served over HTTPS on
// 127.0.0.1 by a self-signed CA, with Ed25519 keys made at run time. The real repository is
// the server's, which the agent may not import.
import { createHash, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Key, Metadata, MetaFile, Root, Signature, Snapshot, TargetFile, Targets, Timestamp } from '@tufjs/models';
import { selfSignedIdentity } from '../fakes/identity.js';

const SPEC_VERSION = '1.0.31';
/** Fixed, far off: tuf-js checks expiry against its own clock, and no test depends on it. */
const EXPIRES = '2100-01-01T00:00:00Z';
const ROLES = ['root', 'targets', 'snapshot', 'timestamp'] as const;
type Role = (typeof ROLES)[number];

export interface TestKey {
  readonly id: string;
  readonly key: Key;
  readonly privateKey: KeyObject;
}

/** An Ed25519 TUF key; its ID is the SHA-256 of the key object's canonical JSON (spec §4.2). */
export function tufTestKey(): TestKey {
  const { privateKey } = generateKeyPairSync('ed25519');
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  const hex = spki.subarray(12).toString('hex'); // RFC 8410: 12 bytes of prefix, then the key
  // Keys in sorted order and no spaces: this JSON.stringify is the canonical form.
  const canonical = JSON.stringify({ keytype: 'ed25519', keyval: { public: hex }, scheme: 'ed25519' });
  const id = createHash('sha256').update(canonical).digest('hex');
  return {
    id,
    key: new Key({ keyID: id, keyType: 'ed25519', scheme: 'ed25519', keyVal: { public: hex } }),
    privateKey,
  };
}

type Signable = Root | Targets | Snapshot | Timestamp;

function signed<T extends Signable>(body: T, signers: readonly TestKey[]): Buffer {
  const metadata = new Metadata<T>(body);
  for (const k of signers) {
    metadata.sign((data) => new Signature({ keyID: k.id, sig: sign(null, data, k.privateKey).toString('hex') }));
  }
  return Buffer.from(JSON.stringify(metadata.toJSON()));
}

export interface RootOptions {
  readonly version?: number;
  /** Root keys named in the root role (default: the repository's current root key). */
  readonly rootKeys?: readonly TestKey[];
  readonly rootThreshold?: number;
  /** Keys that sign it (default: `rootKeys`). */
  readonly signers?: readonly TestKey[];
}

export interface TestTarget {
  readonly name: string;
  readonly image: Uint8Array;
  readonly model: string;
  readonly version: string;
  readonly securityCounter: number;
}

/** A repository of one root, targets, snapshot and timestamp key each, and the files it serves. */
export class TestTufRepository {
  readonly #keys: Record<Role, TestKey>;
  #rootVersion = 0;
  #version = 0;

  private constructor(
    readonly server: Server,
    readonly ca: string,
    readonly repositoryUrl: string,
    /** Every path asked for, in order (e.g. `/tuf/metadata/2.root.json`, `/tuf/targets/<sha>.<name>`). */
    readonly requests: string[],
    private readonly files: Map<string, Buffer>,
  ) {
    this.#keys = { root: tufTestKey(), targets: tufTestKey(), snapshot: tufTestKey(), timestamp: tufTestKey() };
    this.#put(this.rootMetadata());
  }

  static async start(): Promise<TestTufRepository> {
    const { cert, key } = await selfSignedIdentity();
    const requests: string[] = [];
    const files = new Map<string, Buffer>();
    const server = createServer({ cert, key }, (req, res) => {
      const path = req.url ?? '';
      requests.push(path);
      const body = files.get(path);
      if (body) res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    return new TestTufRepository(server, cert, `https://127.0.0.1:${port}/tuf`, requests, files);
  }

  get rootVersion(): number {
    return this.#rootVersion;
  }

  /** The body served at `path`, if any. */
  file(path: string): Buffer | undefined {
    return this.files.get(path);
  }

  /** Serves `body` at `path` instead (a bad root, a torn file). */
  serve(path: string, body: Buffer): void {
    this.files.set(path, body);
  }

  /** The bytes of root metadata; by default the next version, by the current root key. */
  rootMetadata(options: RootOptions = {}): Buffer {
    const rootKeys = options.rootKeys ?? [this.#keys.root];
    const keys: Record<string, unknown> = {};
    const roles: Record<string, { keyids: string[]; threshold: number }> = {};
    for (const role of ROLES) {
      const named = role === 'root' ? rootKeys : [this.#keys[role]];
      for (const k of named) keys[k.id] = k.key.toJSON();
      roles[role] = { keyids: named.map((k) => k.id), threshold: role === 'root' ? (options.rootThreshold ?? 1) : 1 };
    }
    const root = Root.fromJSON({
      _type: 'root',
      spec_version: SPEC_VERSION,
      version: options.version ?? this.#rootVersion + 1,
      expires: EXPIRES,
      keys,
      roles,
      consistent_snapshot: true,
    } as never);
    return signed(root, options.signers ?? rootKeys);
  }

  /** Rotates the root key (spec §5.3.4: the new root is signed by the old and the new key). */
  rotateRoot(): Buffer {
    const next = tufTestKey();
    const body = this.rootMetadata({ rootKeys: [next], signers: [this.#keys.root, next] });
    this.#keys.root = next;
    this.#put(body);
    return body;
  }

  /** Publishes a new targets, snapshot and timestamp naming exactly `targets`. */
  publish(targets: readonly TestTarget[]): void {
    const version = ++this.#version;
    const files: Record<string, TargetFile> = {};
    for (const t of targets) {
      const sha256 = createHash('sha256').update(t.image).digest('hex');
      files[t.name] = new TargetFile({
        path: t.name,
        length: t.image.length,
        hashes: { sha256 },
        unrecognizedFields: { custom: { model: t.model, version: t.version, securityCounter: t.securityCounter } },
      });
      this.files.set(`/tuf/targets/${sha256}.${t.name}`, Buffer.from(t.image));
    }
    const common = { version, specVersion: SPEC_VERSION, expires: EXPIRES };
    const targetsJson = signed(new Targets({ ...common, targets: files }), [this.#keys.targets]);
    this.files.set(`/tuf/metadata/${version}.targets.json`, targetsJson);
    const meta = { 'targets.json': new MetaFile({ version }) };
    const snapshotJson = signed(new Snapshot({ ...common, meta }), [this.#keys.snapshot]);
    this.files.set(`/tuf/metadata/${version}.snapshot.json`, snapshotJson);
    const snapshotMeta = new MetaFile({
      version,
      length: snapshotJson.length,
      hashes: { sha256: createHash('sha256').update(snapshotJson).digest('hex') },
    });
    this.files.set(
      '/tuf/metadata/timestamp.json',
      signed(new Timestamp({ ...common, snapshotMeta }), [this.#keys.timestamp]),
    );
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  #put(root: Buffer): void {
    this.#rootVersion += 1;
    this.files.set(`/tuf/metadata/${this.#rootVersion}.root.json`, root);
  }
}
