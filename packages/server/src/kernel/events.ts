import { EventEmitter } from 'node:events';

export type DeviceState = 'active' | 'quarantined' | 'revoked' | 'retired';

/** Facts one capability announces and others react to (the gateway drops revoked sessions). */
export interface FleetEventMap {
  /** A device's state changed; `serials` are the certificates revoked by the change, if any. */
  'device.state': [{ deviceId: string; state: DeviceState; serials: readonly string[] }];
  /** A device received a new certificate. */
  'device.enrolled': [{ deviceId: string; model: string; serial: string }];
  /** The CRL changed (a certificate was revoked). */
  'crl.updated': [];
}

/** In-process event bus. With several server processes, the backplane relays these. */
export class FleetEvents extends EventEmitter<FleetEventMap> {}
