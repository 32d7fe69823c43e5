/** Counters of one device, kept across its connections. */
export interface DeviceCounters {
  connectionAttempts: number;
  connections: number;
  disconnects: number;
  authorizationFailures: number;
  messagesIn: number;
  messagesOut: number;
  bytesIn: number;
  bytesOut: number;
  /** Publishes dropped or refused for the message rate limit. */
  rateLimited: number;
  /** Payloads the ingest hook refused as invalid. */
  malformed: number;
}

/** Why a connection or a message was refused (gateway-wide totals). */
export interface RefusedCounters {
  connectRate: number;
  tlsHandshake: number;
  authentication: number;
  clientId: number;
  protocolVersion: number;
  connectTimeout: number;
  keepAlive: number;
  malformedPackets: number;
  oversizedPackets: number;
  protocolErrors: number;
  authorization: number;
  rateLimited: number;
  inflightExceeded: number;
  malformedPayloads: number;
  ingestUnavailable: number;
}

/** Live counters; `stats()` returns a copy. Incremented in place on the hot path. */
export class GatewayCounters {
  connectionsCurrent = 0;
  connectionsTotal = 0;
  messagesIn = { qos0: 0, qos1: 0 };
  messagesOut = { qos0: 0, qos1: 0 };
  bytesIn = 0;
  bytesOut = 0;
  readonly refused: RefusedCounters = {
    connectRate: 0,
    tlsHandshake: 0,
    authentication: 0,
    clientId: 0,
    protocolVersion: 0,
    connectTimeout: 0,
    keepAlive: 0,
    malformedPackets: 0,
    oversizedPackets: 0,
    protocolErrors: 0,
    authorization: 0,
    rateLimited: 0,
    inflightExceeded: 0,
    malformedPayloads: 0,
    ingestUnavailable: 0,
  };
  readonly devices = new Map<string, DeviceCounters>();

  device(deviceId: string): DeviceCounters {
    let counters = this.devices.get(deviceId);
    if (counters === undefined) {
      counters = {
        connectionAttempts: 0,
        connections: 0,
        disconnects: 0,
        authorizationFailures: 0,
        messagesIn: 0,
        messagesOut: 0,
        bytesIn: 0,
        bytesOut: 0,
        rateLimited: 0,
        malformed: 0,
      };
      this.devices.set(deviceId, counters);
    }
    return counters;
  }
}

/** A snapshot of the gateway counters, plain data (JSON-safe). */
export interface GatewayStats {
  readonly at: string;
  readonly connections: { readonly current: number; readonly total: number };
  readonly messagesIn: { readonly qos0: number; readonly qos1: number };
  readonly messagesOut: { readonly qos0: number; readonly qos1: number };
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly refused: Readonly<RefusedCounters>;
  readonly devices: Readonly<Record<string, Readonly<DeviceCounters>>>;
}

export function snapshot(counters: GatewayCounters, at: Date): GatewayStats {
  const devices: Record<string, DeviceCounters> = {};
  for (const [id, c] of counters.devices) devices[id] = { ...c };
  return {
    at: at.toISOString(),
    connections: { current: counters.connectionsCurrent, total: counters.connectionsTotal },
    messagesIn: { ...counters.messagesIn },
    messagesOut: { ...counters.messagesOut },
    bytesIn: counters.bytesIn,
    bytesOut: counters.bytesOut,
    refused: { ...counters.refused },
    devices,
  };
}
