import type { Context } from '../kernel/index.js';
import { rolloutError } from './errors.js';

export const GROUP_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Adds and removes devices of a named group (rollout targets); audited. Returns the members. */
export async function updateGroup(
  ctx: Context,
  name: string,
  change: { add?: readonly string[]; remove?: readonly string[] },
  actor: string,
): Promise<string[]> {
  const add = change.add ?? [];
  const remove = change.remove ?? [];
  if (!GROUP_PATTERN.test(name) || add.length + remove.length > 10_000) {
    throw rolloutError('FW_GROUP_INVALID', 'bad group name or too many devices');
  }
  await ctx.store.transaction(async (tx) => {
    if (add.length > 0) {
      const known = await tx.query<{ n: number | string }>(
        'select count(*) as n from devices where id = any($1::text[])',
        [[...new Set(add)]],
      );
      if (Number(known.rows[0]?.n) !== new Set(add).size) throw rolloutError('FW_GROUP_INVALID', 'unknown device');
      await tx.query(
        `insert into device_groups (group_name, device_id, added_at)
         select $1, id, $3 from unnest($2::text[]) as id on conflict do nothing`,
        [name, [...new Set(add)], ctx.clock.now()],
      );
    }
    if (remove.length > 0) {
      await tx.query('delete from device_groups where group_name = $1 and device_id = any($2::text[])', [name, remove]);
    }
    await ctx.audit.append(
      {
        actor,
        action: 'group.update',
        target: `group:${name}`,
        details: { added: add.length, removed: remove.length },
      },
      tx,
    );
  });
  return groupMembers(ctx, name);
}

export async function groupMembers(ctx: Context, name: string): Promise<string[]> {
  const r = await ctx.store.query<{ device_id: string }>(
    'select device_id from device_groups where group_name = $1 order by device_id',
    [name],
  );
  return r.rows.map((row) => row.device_id);
}
