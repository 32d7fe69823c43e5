import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildHttp, type Http } from '../api/index.js';
import { FixedClock, type Context } from '../kernel/index.js';
import type { Sealer } from '../secrets/index.js';
import { isKnownBad, knownBadReleases, markReleaseKnownBad, openUpdates, type KnownBadRelease } from './index.js';
import { openTestContext, type RecordingAudit } from './testing.js';

describe('known-bad releases', () => {
  const clock = new FixedClock('2026-03-01T00:00:00Z');
  let ctx: Context;
  let audit: RecordingAudit;
  let http: Http;
  let sealer: Sealer;
  const heard: KnownBadRelease[] = [];
  const auth = { authorization: 'Bearer x' };

  before(async () => {
    const t = await openTestContext(clock);
    ctx = t.ctx;
    audit = t.audit;
    sealer = t.sealer;
    const updates = await openUpdates(ctx, t.sealer);
    updates.onKnownBad(async (release) => {
      heard.push(release);
      return ['ro-paused-1'];
    });
    for (const [name, version] of [
      ['cam-1.0.0.img', '1.0.0'],
      ['cam-1.1.0.img', '1.1.0'],
    ]) {
      await ctx.store.query(
        `insert into tuf_targets (name, sha256, length, body, model, version, security_counter, published_by)
         values ($1, $1, 1, '\\x00', 'cam', $2, 1, 'test')`,
        [name, version],
      );
    }
    const principal = { username: 'alice', role: 'operator' as const };
    http = buildHttp({ log: ctx.log, authenticate: async () => principal as never });
    await http.app.register(updates.routes);
    await http.app.ready();
  });
  after(async () => {
    await http.app.close();
    await ctx.store.close();
  });

  const mark = (name: string, body: unknown) =>
    http.app.inject({
      method: 'POST',
      url: `/api/v1/releases/${name}/known-bad`,
      headers: auth,
      payload: body as object,
    });

  it('marks a release known-bad (operator, audited), tells the listeners and names what they paused', async () => {
    const res = await mark('cam-1.1.0.img', { reason: 'bricks the radio', advisory: 'CVE-2026-0001' });
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.equal(body.name, 'cam-1.1.0.img');
    assert.deepEqual(body.knownBad, {
      reason: 'bricks the radio',
      advisory: 'CVE-2026-0001',
      markedBy: 'operator:alice',
      markedAt: '2026-03-01T00:00:00.000Z',
    });
    assert.deepEqual(body.pausedRollouts, ['ro-paused-1']);
    assert.deepEqual(
      heard.map((r) => r.name),
      ['cam-1.1.0.img'],
    );
    const entry = audit.entries.find((e) => e.action === 'release.known-bad');
    assert.equal(entry?.target, 'release:cam-1.1.0.img');
    assert.equal(entry?.actor, 'operator:alice');
    assert.equal(await isKnownBad(ctx.store, 'cam-1.1.0.img'), true);
    assert.equal(await isKnownBad(ctx.store, 'cam-1.0.0.img'), false);
  });

  it('shows the mark in GET /api/v1/releases (null for good releases)', async () => {
    const res = await http.app.inject({ method: 'GET', url: '/api/v1/releases?model=cam', headers: auth });
    const releases = res.json().releases as { name: string; knownBad: { advisory: string } | null }[];
    assert.equal(releases.find((r) => r.name === 'cam-1.0.0.img')?.knownBad, null);
    assert.equal(releases.find((r) => r.name === 'cam-1.1.0.img')?.knownBad?.advisory, 'CVE-2026-0001');
  });

  it('the same mark again changes nothing and is not audited again; a new reason is, first author kept', async () => {
    const before = audit.entries.length;
    await markReleaseKnownBad(ctx, 'cam-1.1.0.img', { reason: 'bricks the radio', advisory: 'CVE-2026-0001' }, 'x');
    assert.equal(audit.entries.length, before);
    clock.advance(60_000);
    const again = await markReleaseKnownBad(ctx, 'cam-1.1.0.img', { reason: 'bricks the radio and wifi' }, 'bob');
    assert.equal(audit.entries.length, before + 1);
    assert.equal(again.knownBad.reason, 'bricks the radio and wifi');
    assert.equal(again.knownBad.advisory, null);
    assert.equal(again.knownBad.markedBy, 'operator:alice');
    assert.equal(again.knownBad.markedAt, '2026-03-01T00:00:00.000Z');
    assert.deepEqual(
      (await knownBadReleases(ctx.store, 'cam')).map((r) => r.name),
      ['cam-1.1.0.img'],
    );
  });

  it('refuses an unknown release (FW_RELEASE_NOT_FOUND) and a malformed mark', async () => {
    const unknown = await mark('cam-9.9.9.img', { reason: 'x' });
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.json().error.code, 'FW_RELEASE_NOT_FOUND');
    assert.equal((await mark('cam-1.0.0.img', { reason: '' })).statusCode, 400);
    assert.equal((await mark('cam-1.0.0.img', { reason: 'x', advisory: 'bad id!' })).statusCode, 400);
    await assert.rejects(markReleaseKnownBad(ctx, 'cam-1.0.0.img', { reason: ' \u0001 ' }, 'bob'), {
      code: 'FW_RELEASE_KNOWN_BAD_INVALID',
    });
    await assert.rejects(markReleaseKnownBad(ctx, 'cam-1.0.0.img', { reason: 'ok', advisory: '-x' }, 'bob'), {
      code: 'FW_RELEASE_KNOWN_BAD_INVALID',
    });
    assert.equal(await isKnownBad(ctx.store, 'cam-1.0.0.img'), false);
  });

  it('refuses a viewer: marking is for operators', async () => {
    const viewer = buildHttp({
      log: ctx.log,
      authenticate: async () => ({ username: 'val', role: 'viewer' }) as never,
    });
    const updates = await openUpdates(ctx, sealer);
    await viewer.app.register(updates.routes);
    const res = await viewer.app.inject({
      method: 'POST',
      url: '/api/v1/releases/cam-1.0.0.img/known-bad',
      headers: auth,
      payload: { reason: 'x' },
    });
    assert.equal(res.statusCode, 403);
    updates.close();
    await viewer.app.close();
  });
});
