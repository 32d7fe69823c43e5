import 'reflect-metadata';
import * as assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as x509 from '@peculiar/x509';
import { RuntimeError } from 'tuf-js/dist/error.js';
import { classifyTufError } from './classify.js';
import { PinnedFetcher } from './fetcher.js';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

/** A throw-away self-signed certificate for 127.0.0.1, generated at run time: it is also the pinned CA. */
async function selfSigned(): Promise<{ cert: string; key: string }> {
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=127.0.0.1',
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 86_400_000),
    keys,
    signingAlgorithm: alg,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: '127.0.0.1' }]),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const key = `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64')}\n-----END PRIVATE KEY-----\n`;
  return { cert: cert.toString('pem'), key };
}

describe('PinnedFetcher', () => {
  let server: Server;
  let base: string;
  let ca: string;
  let dir: string;

  before(async () => {
    const { cert, key } = await selfSigned();
    ca = cert;
    dir = await mkdtemp(join(tmpdir(), 'fetcher-'));
    server = createServer({ cert, key }, (req, res) => {
      if (req.url === '/trickle') {
        // One byte every 50 ms, forever: the socket is never idle, the body never ends.
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        const timer = setInterval(() => res.write('x'), 50);
        res.on('close', () => clearInterval(timer));
        return;
      }
      res.writeHead(200).end('{"signed":{}}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it('downloads a whole body from the pinned server within the default deadline', async () => {
    const body = await new PinnedFetcher(ca, dir).downloadBytes(`${base}/timestamp.json`, 1024);
    assert.equal(body.toString(), '{"signed":{}}');
  });

  // TUF spec §1.5.2 "Slow retrieval attacks": the idle timeout (30 s) never fires, the deadline does.
  it('gives up on a server that trickles bytes, after the overall deadline (TUF slow retrieval)', async () => {
    const fetcher = new PinnedFetcher(ca, dir, { deadlineMs: 300 });
    let refusal: unknown;
    await assert.rejects(fetcher.downloadBytes(`${base}/trickle`, 1024 * 1024), (err: { code?: string }) => {
      assert.equal(err.code, 'FW_UPDATE_REPOSITORY_UNAVAILABLE', String(err));
      refusal = err;
      return true;
    });
    // Snapshot and targets downloads reach the updater wrapped by tuf-js, which keeps only the text.
    const wrapped = new RuntimeError(`Unable to load snapshot metadata error ${String(refusal)}`);
    assert.equal(classifyTufError(wrapped).code, 'FW_UPDATE_REPOSITORY_UNAVAILABLE');
    await assert.rejects(
      fetcher.downloadFile(`${base}/trickle`, 1024 * 1024, async () => undefined),
      (err: { code?: string }) => err.code === 'FW_UPDATE_REPOSITORY_UNAVAILABLE',
    );
  });
});
