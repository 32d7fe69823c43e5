import type { Context } from '../kernel/index.js';
import type { Sql } from '../store/index.js';
import { updatesError } from './errors.js';

/** Why a release must no longer be installed, and who said so. */
export interface KnownBad {
  readonly reason: string;
  /** An advisory id (CVE-…, GHSA-…, a vendor's), when there is one. */
  readonly advisory: string | null;
  readonly markedBy: string;
  readonly markedAt: string;
}

/** A release marked known-bad. */
export interface KnownBadRelease {
  readonly name: string;
  readonly model: string;
  readonly version: string;
  readonly knownBad: KnownBad;
}

export interface KnownBadMark {
  readonly reason: string;
  readonly advisory?: string | undefined;
}

/** Control characters other than tab and newline (they would forge lines in logs and tables). */
const hasControl = (text: string) =>
  [...text].some((c) => {
    const code = c.codePointAt(0)!;
    return (code < 0x20 && c !== '\t' && c !== '\n') || code === 0x7f;
  });

export const ADVISORY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
export const REASON_MAX = 1000;

/** Validates a mark from the network or the CLI (FW_RELEASE_KNOWN_BAD_INVALID). */
export function checkMark(mark: KnownBadMark): { reason: string; advisory: string | null } {
  const reason = typeof mark.reason === 'string' ? mark.reason.trim() : '';
  if (reason.length === 0 || reason.length > REASON_MAX || hasControl(reason)) {
    throw updatesError('FW_RELEASE_KNOWN_BAD_INVALID', `the reason must be 1 to ${REASON_MAX} printable characters`);
  }
  const advisory = mark.advisory ?? null;
  if (advisory !== null && (typeof advisory !== 'string' || !ADVISORY_PATTERN.test(advisory))) {
    throw updatesError('FW_RELEASE_KNOWN_BAD_INVALID', 'the advisory id must be letters, digits and ._:- (64 at most)');
  }
  return { reason, advisory };
}

/**
 * Marks a published release known-bad: rollouts refuse it from now on, running ones of it are
 * paused (by the caller's hook), and the audit check lists the devices that run it. Marking
 * again with another reason or advisory updates them (the first marking time and author stay);
 * the same mark again changes nothing and is not audited again.
 */
export async function markReleaseKnownBad(
  ctx: Context,
  name: string,
  mark: KnownBadMark,
  actor: string,
): Promise<KnownBadRelease> {
  const { reason, advisory } = checkMark(mark);
  await ctx.store.transaction(async (tx) => {
    const r = await tx.query<{ known_bad_reason: string | null; known_bad_advisory: string | null }>(
      'select known_bad_reason, known_bad_advisory from tuf_targets where name = $1 for update',
      [name],
    );
    const row = r.rows[0];
    if (row === undefined) throw updatesError('FW_RELEASE_NOT_FOUND', `no release ${name}`);
    if (row.known_bad_reason === reason && row.known_bad_advisory === advisory) return;
    await tx.query(
      `update tuf_targets set known_bad_reason = $2, known_bad_advisory = $3,
         known_bad_at = coalesce(known_bad_at, $4), known_bad_by = coalesce(known_bad_by, $5)
       where name = $1`,
      [name, reason, advisory, ctx.clock.now(), actor],
    );
    await ctx.audit.append(
      {
        actor,
        action: 'release.known-bad',
        target: `release:${name}`,
        details: { reason, advisory, first: row.known_bad_reason === null },
      },
      tx,
    );
  });
  const release = (await knownBadReleases(ctx.store)).find((x) => x.name === name);
  if (release === undefined) throw updatesError('FW_RELEASE_NOT_FOUND', `no release ${name}`);
  return release;
}

interface Row {
  name: string;
  model: string;
  version: string;
  known_bad_reason: string;
  known_bad_advisory: string | null;
  known_bad_by: string;
  known_bad_at: Date;
}

/** The releases marked known-bad, by name: for the release list, rollouts and the audit check. */
export async function knownBadReleases(db: Sql, model?: string): Promise<KnownBadRelease[]> {
  const r = await db.query<Row>(
    `select name, model, version, known_bad_reason, known_bad_advisory, known_bad_by, known_bad_at
     from tuf_targets where known_bad_at is not null and ($1::text is null or model = $1) order by name`,
    [model ?? null],
  );
  return r.rows.map((row) => ({
    name: row.name,
    model: row.model,
    version: row.version,
    knownBad: {
      reason: row.known_bad_reason,
      advisory: row.known_bad_advisory,
      markedBy: row.known_bad_by,
      markedAt: new Date(row.known_bad_at).toISOString(),
    },
  }));
}

/** Whether the named release is marked known-bad (false when there is no such release). */
export async function isKnownBad(db: Sql, name: string): Promise<boolean> {
  const r = await db.query('select 1 from tuf_targets where name = $1 and known_bad_at is not null', [name]);
  return r.rows.length > 0;
}
