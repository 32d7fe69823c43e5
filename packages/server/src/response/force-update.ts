import { createHash } from 'node:crypto';
import { isFleetwardError } from '@fleetward/protocol';
import type { Context } from '../kernel/index.js';
import { updateGroup, type Rollouts } from '../rollouts/index.js';
import { knownBadReleases, listReleases, type Release } from '../updates/index.js';
import type { StepOutcome } from './steps.js';

/** Rollout codes that mean "cannot update this device now", recorded as a failed step (not thrown). */
const REFUSALS = new Set([
  'FW_ROLLOUT_NO_DEVICES',
  'FW_ROLLOUT_INVALID',
  'FW_ROLLOUT_RELEASE_UNKNOWN',
  'FW_ROLLOUT_RELEASE_KNOWN_BAD',
  'FW_GROUP_INVALID',
]);

/** The one-device group a forced update targets: `force-<device id>`, or a digest when the id does not fit. */
export function forceGroupName(deviceId: string): string {
  const name = `force-${deviceId}`;
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name)
    ? name
    : `force-${createHash('sha256').update(deviceId).digest('hex').slice(0, 32)}`;
}

/**
 * The playbook step `force-update`: a one-device rollout (one wave of 100 %, failure gate off)
 * of the newest release for the device's model that is not marked known-bad (nor below the
 * security counter of the release it runs, which its bootloader would refuse), through the
 * staged-rollout machinery (audited there as `group.update` and `rollout.start`). No such
 * release: "not-available".
 * Rollouts target active and quarantined devices (a quarantined device keeps its update and
 * command topics, and may report update status), so the step may follow `quarantine`.
 */
export function forceUpdateHook(
  ctx: Context,
  rollouts: Pick<Rollouts, 'start'>,
): (deviceId: string, actor: string) => Promise<StepOutcome> {
  return async (deviceId, actor) => {
    const r = await ctx.store.query<{ model: string; firmware_release: string | null }>(
      'select model, firmware_release from devices where id = $1',
      [deviceId],
    );
    const model = r.rows[0]?.model;
    if (model === undefined) return { status: 'failed', detail: { reason: 'unknown device' } };
    const release = await newestGood(ctx, model, r.rows[0]!.firmware_release);
    if (release === undefined) return { status: 'not-available', detail: { reason: 'no release', model } };
    const group = forceGroupName(deviceId);
    const detail = { release: release.name, version: release.version, group };
    try {
      await updateGroup(ctx, group, { add: [deviceId] }, actor);
      const rollout = await rollouts.start({ release: release.name, group, waves: [100], maxFailureRate: 1 }, actor);
      return { status: 'done', detail: { ...detail, rollout: rollout.id } };
    } catch (err) {
      if (isFleetwardError(err) && REFUSALS.has(err.code))
        return { status: 'failed', detail: { ...detail, code: err.code } };
      throw err;
    }
  };
}

/** The newest release of the model (by publication) not marked known-bad and not below the running one's counter. */
async function newestGood(ctx: Context, model: string, running: string | null): Promise<Release | undefined> {
  const bad = new Set((await knownBadReleases(ctx.store, model)).map((x) => x.name));
  const all = await listReleases(ctx.store, model);
  const floor = all.find((x) => x.name === running)?.securityCounter ?? 0;
  return all.filter((x) => !bad.has(x.name) && x.securityCounter >= floor).at(-1);
}
