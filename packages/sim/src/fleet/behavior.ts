import type { Connection, MetricsSource } from '@fleetward/agent';
import type { SimDevice } from '../enroll/index.js';

/** What a device's behaviour hook may do beyond the agent's own traffic (attack simulation). */
export interface BehaviorContext {
  readonly deviceId: string;
  /** The agent's latest MQTT connection (may be closed: publishes then reject). Raw publishes go beside the agent's. */
  readonly connection: Connection | undefined;
  /** One more connection attempt with the device's certificate and `clientId`; the caller ends it. */
  connect(clientId: string): Promise<Connection>;
}

/** Called every `behaviorTickMs` while the fleet sends; `tickMs` is that period. */
export type DeviceBehavior = (ctx: BehaviorContext, tickMs: number) => void;

/** Per-device hooks of a fleet: device-side metrics and extra behaviour (both optional per device). */
export interface FleetHooks {
  /** The device's security metrics, reported by its agent on `devices/<id>/metrics`. */
  readonly metrics?: (device: SimDevice) => MetricsSource | undefined;
  /** Default: the agent's (60 s). */
  readonly metricsIntervalMs?: number;
  readonly behavior?: (device: SimDevice) => DeviceBehavior | undefined;
  /** Default 1 s. */
  readonly behaviorTickMs?: number;
}
