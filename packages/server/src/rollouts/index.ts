// Staged rollouts: waves of devices, health gates (failure-rate threshold), device groups.
export { ROLLOUT_ERRORS, rolloutError } from './errors.js';
export type { RolloutErrorCode } from './errors.js';
export { groupMembers, updateGroup } from './groups.js';
export type { RolloutView, WaveView } from './records.js';
export { Rollouts } from './rollouts.js';
export type { RolloutNotifier, RolloutsOptions, StartRollout, UpdateNotice } from './rollouts.js';
export { rolloutRoutes } from './routes.js';
export { parseStatus } from './status.js';
export type { StatusReport } from './status.js';
export { checkWaves, decide, waveBounds } from './waves.js';
export type { Decision, DeviceStatus, DeviceStep, RolloutPosition, RolloutState, WaveProgress } from './waves.js';
