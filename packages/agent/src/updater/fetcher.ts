import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { join } from 'node:path';
import type { Fetcher } from 'tuf-js';
import { DownloadHTTPError, DownloadLengthMismatchError } from 'tuf-js/dist/error.js';

/**
 * tuf-js's fetcher over node:https with the fleet CA pinned (the repository is on the same
 * HTTPS port as the API). Bodies stop at `maxLength` bytes (spec §5.2.2 upper bounds).
 */
export class PinnedFetcher implements Fetcher {
  readonly #ca: string | Buffer;
  readonly #tmpDir: string;
  readonly #timeoutMs: number;

  constructor(ca: string | Buffer, tmpDir: string, timeoutMs = 30_000) {
    this.#ca = ca;
    this.#tmpDir = tmpDir;
    this.#timeoutMs = timeoutMs;
  }

  async downloadFile<T>(url: string, maxLength: number, handler: (file: string) => Promise<T>): Promise<T> {
    const bytes = await this.downloadBytes(url, maxLength);
    const file = join(this.#tmpDir, `.download-${randomBytes(6).toString('hex')}`);
    await writeFile(file, bytes, { mode: 0o600 });
    try {
      return await handler(file);
    } finally {
      await rm(file, { force: true });
    }
  }

  downloadBytes(url: string, maxLength: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const req = request(url, { ca: this.#ca, timeout: this.#timeoutMs, method: 'GET' }, (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          reject(new DownloadHTTPError(`GET ${url}: ${res.statusCode}`, res.statusCode ?? 0));
          return;
        }
        const chunks: Buffer[] = [];
        let received = 0;
        res.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > maxLength) {
            res.destroy();
            reject(new DownloadLengthMismatchError(`${url} is longer than ${maxLength} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => resolve(Buffer.concat(chunks)));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
      req.on('error', reject);
      req.end();
    });
  }
}
