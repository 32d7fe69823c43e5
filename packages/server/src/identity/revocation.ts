import type { Context, DeviceState } from '../kernel/index.js';
import { x509 } from './crypto.js';
import { identityError } from './errors.js';

/** RFC 5280 §5.3.1 reasons an operator may give. */
export const REVOCATION_REASONS = {
  unspecified: x509.X509CrlReason.unspecified,
  keyCompromise: x509.X509CrlReason.keyCompromise,
  affiliationChanged: x509.X509CrlReason.affiliationChanged,
  superseded: x509.X509CrlReason.superseded,
  cessationOfOperation: x509.X509CrlReason.cessationOfOperation,
  privilegeWithdrawn: x509.X509CrlReason.privilegeWithdrawn,
} as const;
export type RevocationReason = keyof typeof REVOCATION_REASONS;

/** Which state changes are allowed: revoked and retired are final (retire may follow revoke). */
const ALLOWED: Readonly<Record<DeviceState, readonly DeviceState[]>> = {
  active: ['quarantined', 'revoked', 'retired'],
  quarantined: ['active', 'revoked', 'retired'],
  revoked: ['retired'],
  retired: [],
};

/**
 * Moves a device to `state`, audited and announced as `device.state`. Revoking or retiring
 * also revokes every certificate of the device that is not yet revoked (valid or superseded).
 * Returns the serials revoked.
 */
export async function changeDeviceState(
  ctx: Context,
  deviceId: string,
  state: DeviceState,
  actor: string,
  reason: RevocationReason = 'unspecified',
): Promise<readonly string[]> {
  if (!(reason in REVOCATION_REASONS)) throw identityError('FW_DEVICE_STATE_INVALID', `unknown reason ${reason}`);
  const serials = await ctx.store.transaction(async (tx) => {
    const r = await tx.query<{ state: DeviceState }>('select state from devices where id = $1 for update', [deviceId]);
    const from = r.rows[0]?.state;
    if (!from) throw identityError('FW_DEVICE_NOT_FOUND', `no device ${deviceId}`);
    if (!ALLOWED[from].includes(state)) {
      throw identityError('FW_DEVICE_STATE_INVALID', `device ${deviceId} cannot go from ${from} to ${state}`);
    }
    const at = ctx.clock.now();
    await tx.query('update devices set state = $2, updated_at = $3 where id = $1', [deviceId, state, at]);
    let revoked: string[] = [];
    if (state === 'revoked' || state === 'retired') {
      const code = state === 'retired' && reason === 'unspecified' ? 'cessationOfOperation' : reason;
      const u = await tx.query<{ serial: string }>(
        `update certificates set status = 'revoked', revoked_at = $2, revocation_reason = $3
         where device_id = $1 and status <> 'revoked' returning serial`,
        [deviceId, at, REVOCATION_REASONS[code]],
      );
      revoked = u.rows.map((row) => row.serial);
    }
    const action = `device.${state === 'active' ? 'release' : state === 'quarantined' ? 'quarantine' : state === 'revoked' ? 'revoke' : 'retire'}`;
    const details = { from, to: state, reason, serials: revoked };
    await ctx.audit.append({ actor, action, target: `device:${deviceId}`, details }, tx);
    return revoked;
  });
  ctx.events.emit('device.state', { deviceId, state, serials });
  if (serials.length > 0) ctx.events.emit('crl.updated');
  return serials;
}
