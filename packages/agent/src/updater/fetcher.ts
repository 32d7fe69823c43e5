import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { join } from 'node:path';
import type { Fetcher } from 'tuf-js';
import { DownloadHTTPError, DownloadLengthMismatchError } from 'tuf-js/dist/error.js';
import { updaterError } from './errors.js';

export interface PinnedFetcherOptions {
  /** Socket idle timeout: a request with no byte for this long is ended (default 30 s). */
  readonly idleTimeoutMs?: number;
  /**
   * Overall deadline of one request, from sending it to the last byte of the body. Default:
   * 30 s plus the body's maximum length at 16 KiB/s (see `defaultDeadlineMs`).
   */
  readonly deadlineMs?: number;
}

const IDLE_TIMEOUT_MS = 30_000;
const DEADLINE_BASE_MS = 30_000;
const MIN_BYTES_PER_SECOND = 16 * 1024;

/**
 * TUF specification §1.5.2 "Slow retrieval attacks": a server that answers very slowly must not
 * stall the update process forever. The socket idle timeout alone does not stop it (one byte
 * now and then keeps it alive), so every request also has an overall deadline. It grows with
 * what may be fetched, the signed or configured maximum length, at a minimum rate of 16 KiB/s,
 * plus 30 s for connecting and TLS: 31 s for a 16 KiB timestamp, about 69 min for a 64 MiB image.
 */
export function defaultDeadlineMs(maxLength: number): number {
  return DEADLINE_BASE_MS + Math.ceil((maxLength * 1000) / MIN_BYTES_PER_SECOND);
}

/**
 * tuf-js's fetcher over node:https with the fleet CA pinned (the repository is on the same
 * HTTPS port as the API). Bodies stop at `maxLength` bytes (spec §5.2.2 upper bounds) and
 * requests at their deadline (spec §1.5.2 slow retrieval), refused with
 * FW_UPDATE_REPOSITORY_UNAVAILABLE.
 */
export class PinnedFetcher implements Fetcher {
  readonly #ca: string | Buffer;
  readonly #tmpDir: string;
  readonly #idleTimeoutMs: number;
  readonly #deadlineMs: number | undefined;

  constructor(ca: string | Buffer, tmpDir: string, options: PinnedFetcherOptions = {}) {
    this.#ca = ca;
    this.#tmpDir = tmpDir;
    this.#idleTimeoutMs = options.idleTimeoutMs ?? IDLE_TIMEOUT_MS;
    this.#deadlineMs = options.deadlineMs;
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
    const deadlineMs = this.#deadlineMs ?? defaultDeadlineMs(maxLength);
    return new Promise((resolve, reject) => {
      const fail = (err: unknown) => {
        clearTimeout(deadline);
        reject(err);
      };
      const req = request(url, { ca: this.#ca, timeout: this.#idleTimeoutMs, method: 'GET' }, (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          fail(new DownloadHTTPError(`GET ${url}: ${res.statusCode}`, res.statusCode ?? 0));
          return;
        }
        const chunks: Buffer[] = [];
        let received = 0;
        res.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > maxLength) {
            res.destroy();
            fail(new DownloadLengthMismatchError(`${url} is longer than ${maxLength} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => {
          clearTimeout(deadline);
          resolve(Buffer.concat(chunks));
        });
        res.on('error', fail);
      });
      // The message says "timed out" so that classifyTufError keeps the code when tuf-js wraps
      // the error of a snapshot or targets download in a RuntimeError that keeps only the text.
      const deadline = setTimeout(() => {
        const err = updaterError(
          'FW_UPDATE_REPOSITORY_UNAVAILABLE',
          `GET ${url} timed out: not complete within its ${deadlineMs} ms deadline (slow retrieval)`,
        );
        fail(err);
        req.destroy(err);
      }, deadlineMs);
      req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
      req.on('error', fail);
      req.end();
    });
  }
}
