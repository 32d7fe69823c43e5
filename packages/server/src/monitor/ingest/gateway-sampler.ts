import type { DeviceCounters, GatewayCounters } from '../../gateway/index.js';

type Delta = Record<string, number>;

/**
 * Gateway-side metrics per device and window, from the gateway's live counters: a snapshot
 * at each window start, and deltas since it. `peek` gives the partial window of the devices
 * whose counters moved since the last peek (rules on growing counts fire before the window ends).
 */
export class GatewaySampler {
  #base = new Map<string, DeviceCounters>();
  #peeked = new Map<string, number>();

  constructor(private readonly counters: GatewayCounters) {}

  /** Deltas of the devices that changed since the last peek, in the current window. */
  peek(): Map<string, Delta> {
    const out = new Map<string, Delta>();
    for (const [id, c] of this.counters.devices) {
      const sum = c.messagesIn + c.authorizationFailures + c.connectionAttempts + c.disconnects + c.rateLimited;
      if (this.#peeked.get(id) === sum) continue;
      this.#peeked.set(id, sum);
      out.set(id, delta(c, this.#base.get(id)));
    }
    return out;
  }

  /** Closes the window: deltas of every known device (zeros included, so alarms can clear). */
  close(): Map<string, Delta> {
    const out = new Map<string, Delta>();
    const next = new Map<string, DeviceCounters>();
    for (const [id, c] of this.counters.devices) {
      out.set(id, delta(c, this.#base.get(id)));
      next.set(id, { ...c });
    }
    this.#base = next;
    this.#peeked = new Map();
    return out;
  }
}

function delta(c: DeviceCounters, b: DeviceCounters | undefined): Delta {
  const d = (k: keyof DeviceCounters) => c[k] - (b?.[k] ?? 0);
  const messages = d('messagesIn');
  return {
    'num-messages-sent': messages,
    'num-messages-received': d('messagesOut'),
    'num-bytes-sent': d('bytesIn'),
    'message-byte-size': messages > 0 ? Math.round(d('bytesIn') / messages) : 0,
    'num-authorization-failures': d('authorizationFailures'),
    'num-connection-attempts': d('connectionAttempts'),
    'num-connections': d('connections'),
    'num-disconnects': d('disconnects'),
    'num-rate-limited': d('rateLimited'),
    'num-malformed': d('malformed'),
  };
}
