import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FixedClock } from '../kernel/index.js';
import { makeCsr, openTestIdentity, type TestIdentity } from './testing.js';

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return (err as { code: string }).code;
  }
  return 'accepted';
}

describe('claim tokens', () => {
  const clock = new FixedClock('2026-03-01T12:00:00.000Z');
  let t: TestIdentity;
  before(async () => {
    t = await openTestIdentity(clock);
  });
  after(() => t.close());

  async function uses(id: string): Promise<number> {
    const r = await t.ctx.store.query<{ uses: number }>('select uses from claim_tokens where id = $1', [id]);
    return r.rows[0]!.uses;
  }

  it('are fwc_<id>.<256-bit secret>, stored only as a hash, and audited', async () => {
    const claim = await t.identity.createClaim({ model: 'cam-2', uses: 2, createdBy: 'operator:alice' });
    assert.match(claim.token, /^fwc_[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    const secret = claim.token.split('.')[1]!;
    const r = await t.ctx.store.query<{ hash: Uint8Array }>('select hash from claim_tokens where id = $1', [claim.id]);
    assert.equal(Buffer.from(r.rows[0]!.hash).length, 32);
    assert.ok(!JSON.stringify(t.audit.entries).includes(secret));
    assert.equal(t.audit.entries.at(-1)?.action, 'claim.create');
  });

  it('refuse bad input with FW_CLAIM_INVALID', async () => {
    assert.equal(await code(t.identity.createClaim({ model: 'Bad Model', createdBy: 'x' })), 'FW_CLAIM_INVALID');
    assert.equal(await code(t.identity.createClaim({ model: 'ok-1', uses: 0, createdBy: 'x' })), 'FW_CLAIM_INVALID');
    assert.equal(await code(t.identity.createClaim({ model: 'ok-1', ttlMs: 10, createdBy: 'x' })), 'FW_CLAIM_INVALID');
  });

  it('are used up after their uses (FW_ENROLL_TOKEN_USED_UP)', async () => {
    const { token, id } = await t.identity.createClaim({ model: 'cam-2', uses: 2, createdBy: 'operator:alice' });
    await t.identity.enrollWithClaim(token, (await makeCsr('CN=used-1')).der);
    await t.identity.enrollWithClaim(token, (await makeCsr('CN=used-2')).der);
    assert.equal(await uses(id), 2);
    const third = t.identity.enrollWithClaim(token, (await makeCsr('CN=used-3')).der);
    assert.equal(await code(third), 'FW_ENROLL_TOKEN_USED_UP');
  });

  it('expire after their ttl (FW_ENROLL_TOKEN_EXPIRED)', async () => {
    const { token } = await t.identity.createClaim({ model: 'cam-2', ttlMs: 3600_000, createdBy: 'operator:alice' });
    clock.advance(3600_000);
    const late = t.identity.enrollWithClaim(token, (await makeCsr('CN=late-1')).der);
    assert.equal(await code(late), 'FW_ENROLL_TOKEN_EXPIRED');
  });

  it('refuse unknown, malformed and wrong-secret tokens with FW_ENROLL_TOKEN_INVALID', async () => {
    const { token } = await t.identity.createClaim({ model: 'cam-2', createdBy: 'operator:alice' });
    const [id, secret] = token.split('.') as [string, string];
    const wrongSecret = `${id}.${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    const unknownId = `fwc_${'A'.repeat(22)}.${secret}`;
    const { der } = await makeCsr('CN=bogus-1');
    for (const bogus of [wrongSecret, unknownId, '', 'x', `${token}x`, id, `${id}.`, "fwc_' or 1=1 --.x"]) {
      assert.equal(await code(t.identity.enrollWithClaim(bogus, der)), 'FW_ENROLL_TOKEN_INVALID', bogus);
    }
  });

  it('are not consumed by an enrollment that fails (bad CSR, taken id)', async () => {
    const { token, id } = await t.identity.createClaim({ model: 'cam-2', createdBy: 'operator:alice' });
    const tampered = (await makeCsr('CN=fail-1')).der;
    tampered[tampered.length - 1] ^= 1;
    assert.equal(await code(t.identity.enrollWithClaim(token, tampered)), 'FW_CSR_SIGNATURE_INVALID');
    assert.equal(await code(t.identity.enrollWithClaim(token, Buffer.from('junk'))), 'FW_CSR_MALFORMED');
    const taken = t.identity.enrollWithClaim(token, (await makeCsr('CN=used-1')).der);
    assert.equal(await code(taken), 'FW_DEVICE_ID_TAKEN');
    assert.equal(await uses(id), 0);
    await t.identity.enrollWithClaim(token, (await makeCsr('CN=fail-1')).der);
    assert.equal(await uses(id), 1);
  });

  it('take exactly their uses when enrollments race', async () => {
    const { token, id } = await t.identity.createClaim({ model: 'cam-2', uses: 3, createdBy: 'operator:alice' });
    const csrs = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => makeCsr(`CN=race-${n}`)));
    const results = await Promise.allSettled(csrs.map((c) => t.identity.enrollWithClaim(token, c.der)));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 3);
    assert.equal(await uses(id), 3);
  });
});
