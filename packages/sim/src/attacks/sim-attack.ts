import type { MetricsSource } from '@fleetward/agent';
import type { SimDevice } from '../enroll/index.js';
import type { DeviceBehavior, FleetHooks } from '../fleet/index.js';
import { deviceSeed, mulberry32 } from '../models/index.js';
import { attackBehavior, pickInfected, type AttackBehavior, type AttackKind } from './attacks.js';
import { benignMetrics } from './benign.js';
import { GroundTruth } from './ground-truth.js';

const encoder = new TextEncoder();

/**
 * An attack on a simulated fleet: every device reports benign metrics; once `infect()` is
 * called, the `k` devices picked by the seed behave like the attack (metrics rewritten; flood
 * and brute force as real MQTT traffic to the gateway under test). Records the ground truth.
 */
export class SimAttack {
  readonly truth: GroundTruth;
  readonly infected: readonly string[];
  #on = false;
  readonly #behaviors = new Map<string, AttackBehavior>();

  constructor(
    readonly kind: AttackKind,
    devices: readonly Pick<SimDevice, 'id'>[],
    k: number,
    private readonly seed = 1,
  ) {
    this.truth = new GroundTruth(kind);
    this.infected = pickInfected(
      devices.map((d) => d.id),
      k,
      mulberry32(seed + 6),
    );
    for (const id of this.infected) this.#behaviors.set(id, attackBehavior(kind, mulberry32(deviceSeed(seed + 7, id))));
  }

  get active(): boolean {
    return this.#on;
  }

  /** The infected devices start behaving like the attack now (ground truth: this moment). */
  infect(atMs = Date.now()): void {
    this.#on = true;
    for (const id of this.infected) this.truth.infect(id, atMs);
  }

  /** Fleet hooks: metrics for every device, behaviour for infected devices that need raw traffic. */
  hooks(metricsIntervalMs?: number): FleetHooks {
    return {
      metrics: (d) => this.#metrics(d),
      behavior: (d) => this.#behavior(d.id),
      ...(metricsIntervalMs === undefined ? {} : { metricsIntervalMs }),
    };
  }

  #metrics(device: Pick<SimDevice, 'id' | 'model'>): MetricsSource {
    const benign = benignMetrics(device.model.name, mulberry32(deviceSeed(this.seed + 5, device.id)));
    const attack = this.#behaviors.get(device.id);
    return {
      collect: async () => {
        const b = benign(new Date());
        return this.#on && attack ? attack.metrics(b) : b;
      },
    };
  }

  #behavior(id: string): DeviceBehavior | undefined {
    const a = this.#behaviors.get(id);
    if (!a || a.floodPerSecond + a.unauthorizedPerSecond + a.reconnectsPerSecond === 0) return undefined;
    let seq = 0;
    let reconnectDebt = 0;
    return (ctx, tickMs) => {
      if (!this.#on) return;
      const conn = ctx.connection;
      const per = (rate: number) => Math.round((rate * tickMs) / 1000);
      if (conn) {
        for (let i = 0; i < per(a.floodPerSecond); i++) {
          const body = { temp: 99, messageId: `flood-${seq++}`, ts: new Date().toISOString() };
          conn.publish(`devices/${id}/telemetry`, encoder.encode(JSON.stringify(body)), 1).catch(() => undefined);
        }
        // Another device's topic: refused by the ACL (an authorization failure).
        for (let i = 0; i < per(a.unauthorizedPerSecond); i++) {
          conn.publish(`devices/not-${id}/telemetry`, encoder.encode('{}'), 1).catch(() => undefined);
        }
      }
      // A client id that is not the certificate's: refused at CONNECT (connection attempt + authorization failure).
      reconnectDebt += (a.reconnectsPerSecond * tickMs) / 1000;
      for (; reconnectDebt >= 1; reconnectDebt--) {
        ctx.connect(`${id}-x`).then(
          (c) => c.end(),
          () => undefined,
        );
      }
    };
  }
}
