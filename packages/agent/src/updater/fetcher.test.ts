import 'reflect-metadata';
import * as assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RuntimeError } from 'tuf-js/dist/error.js';
import { classifyTufError } from './classify.js';
import { selfSignedIdentity } from '../fakes/identity.js';
import { PinnedFetcher } from './fetcher.js';

describe('PinnedFetcher', () => {
  let server: Server;
  let base: string;
  let ca: string;
  let dir: string;

  before(async () => {
    const { cert, key } = await selfSignedIdentity();
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
