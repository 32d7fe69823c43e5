import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AckQueue } from './acks.js';
import { AddressBuckets, TokenBucket } from './token-bucket.js';

function ids(buf: Buffer | undefined): number[] {
  const out: number[] = [];
  for (let at = 0; buf !== undefined && at < buf.length; at += 2 + (buf[at + 1] as number)) {
    out.push(buf.readUInt16BE(at + 2));
  }
  return out;
}

describe('AckQueue', () => {
  it('[MQTT-4.6.0-2] releases PUBACKs in arrival order only', () => {
    const q = new AckQueue(4);
    const s1 = q.push(1);
    const s2 = q.push(2);
    const s3 = q.push(3);
    q.complete(s3, 0);
    q.complete(s2, 0);
    assert.equal(q.drain(), undefined);
    q.complete(s1, 0);
    assert.deepEqual(ids(q.drain()), [1, 2, 3]);
    assert.equal(q.size, 0);
  });

  it('encodes a reason code only when it is not Success (MQTT 5.0 §3.4.2.1)', () => {
    const q = new AckQueue(2);
    q.complete(q.push(7), 0x87);
    q.complete(q.push(8), 0);
    assert.deepEqual([...q.drain()!], [0x40, 3, 0, 7, 0x87, 0x40, 2, 0, 8]);
  });

  it('grows past its capacity without losing order', () => {
    const q = new AckQueue(2);
    const seqs = Array.from({ length: 50 }, (_, i) => q.push(i + 1));
    for (const s of seqs.reverse()) q.complete(s, 0);
    assert.deepEqual(
      ids(q.drain()),
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
  });
});

describe('TokenBucket', () => {
  it('allows a burst, then the refill rate', () => {
    const b = new TokenBucket(10, 3, 0);
    assert.deepEqual([b.take(0), b.take(0), b.take(0), b.take(0)], [true, true, true, false]);
    assert.equal(b.take(100), true);
    assert.equal(b.take(100), false);
  });

  it('AddressBuckets keeps one bucket per address and forgets refilled ones', () => {
    const buckets = new AddressBuckets(1, 1);
    assert.equal(buckets.take('a', 0), true);
    assert.equal(buckets.take('a', 0), false);
    assert.equal(buckets.take('b', 0), true);
    buckets.prune(5000);
    assert.equal(buckets.size, 0);
  });
});
