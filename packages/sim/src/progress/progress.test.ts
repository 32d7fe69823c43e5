import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProgressBar, StatusLine } from './index.js';

function sink(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY, columns: 80, write: (t: string) => chunks.push(t) } };
}

describe('ProgressBar', () => {
  it('prints a plain line per 10 % when not on a terminal', () => {
    const { chunks, stream } = sink(false);
    const bar = new ProgressBar(stream, 'enrolling', 200);
    for (let i = 0; i < 200; i++) bar.tick();
    bar.finish();
    assert.equal(chunks.length, 10);
    assert.equal(chunks[0], 'enrolling: 10% (20/200)\n');
    assert.equal(chunks[9], 'enrolling: 100% (200/200)\n');
  });

  it('jumps several deciles in one line when a batch finishes at once', () => {
    const { chunks, stream } = sink(false);
    const bar = new ProgressBar(stream, 'enrolling', 10);
    bar.tick(7, '(7 cached)');
    bar.tick(3);
    assert.deepEqual(chunks, ['enrolling: 70% (7/10) (7 cached)\n', 'enrolling: 100% (10/10)\n']);
  });

  it('redraws one line on a terminal, throttled, always drawing the last state', () => {
    const { chunks, stream } = sink(true);
    let t = 0;
    const bar = new ProgressBar(stream, 'enrolling', 4, () => t, 100);
    bar.tick();
    bar.tick(); // within 100 ms: skipped
    t = 200;
    bar.tick();
    bar.tick(); // the last one is always drawn
    bar.finish();
    assert.equal(chunks.length, 4);
    assert.ok(chunks.slice(0, 3).every((c) => c.startsWith('\r')));
    assert.match(chunks[2]!, /\[#+\] 100% 4\/4/);
    assert.equal(chunks[3], '\n');
  });
});

describe('StatusLine', () => {
  it('prints at most one plain line per interval off a terminal', () => {
    const { chunks, stream } = sink(false);
    let t = 0;
    const line = new StatusLine(stream, () => t, 10_000);
    line.update('a');
    t = 5000;
    line.update('b');
    t = 10_000;
    line.update('c');
    line.finish();
    assert.deepEqual(chunks, ['a\n', 'c\n']);
  });

  it('redraws in place on a terminal', () => {
    const { chunks, stream } = sink(true);
    const line = new StatusLine(stream);
    line.update('a');
    line.update('b');
    line.finish();
    assert.deepEqual(chunks, ['\ra\x1b[K', '\rb\x1b[K', '\n']);
  });
});
