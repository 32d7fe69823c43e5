import type { ErrorCatalogue } from '@fleetward/protocol';
import { AUDIT_ERRORS } from '../audit/index.js';
import { SERVER_ERRORS } from '../errors.js';
import { FLEET_ERRORS } from '../fleet/index.js';
import { GATEWAY_ERRORS } from '../gateway/index.js';
import { IDENTITY_ERRORS } from '../identity/index.js';
import { MONITOR_ERRORS } from '../monitor/index.js';
import { OPERATOR_ERRORS } from '../operators/index.js';
import { PRIVACY_ERRORS } from '../privacy/index.js';
import { RESPONSE_ERRORS } from '../response/index.js';
import { ROLLOUT_ERRORS } from '../rollouts/index.js';
import { UPDATES_ERRORS } from '../updates/index.js';

/** Every error catalogue of the server, by capability (docs/errors.md lists the same codes). */
export const SERVER_CATALOGUES: Readonly<Record<string, ErrorCatalogue>> = {
  server: SERVER_ERRORS,
  identity: IDENTITY_ERRORS,
  operators: OPERATOR_ERRORS,
  audit: AUDIT_ERRORS,
  fleet: FLEET_ERRORS,
  gateway: GATEWAY_ERRORS,
  privacy: PRIVACY_ERRORS,
  updates: UPDATES_ERRORS,
  monitor: MONITOR_ERRORS,
  response: RESPONSE_ERRORS,
  rollouts: ROLLOUT_ERRORS,
};
