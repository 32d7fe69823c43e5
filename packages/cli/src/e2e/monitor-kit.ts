// Helpers of the monitoring e2e tests: simulated devices as real MQTT 5 clients over mTLS.
import mqtt, { type MqttClient } from 'mqtt';
import type { SimDevice } from '@fleetward/sim';
import { apiGet, type RunningServer } from './harness.js';

/** A connected device: its MQTT client (MQTT 5, client id = certificate CN). */
export async function connectDevice(server: RunningServer, device: SimDevice): Promise<MqttClient> {
  return mqtt.connectAsync(server.mqtts, {
    protocolVersion: 5,
    clientId: device.id,
    key: device.credentials.keyPem,
    cert: device.credentials.certPem,
    ca: device.credentials.caPem,
    reconnectPeriod: 0,
    connectTimeout: 10_000,
    keepalive: 30,
  });
}

/** PUBLISH QoS 1; resolves with the PUBACK reason code (0 success, 0x87 not authorized …). */
export function publishCode(client: MqttClient, topic: string, body: unknown): Promise<number> {
  return new Promise((resolve) => {
    client.publish(topic, JSON.stringify(body), { qos: 1 }, (err, packet) => {
      if (err) resolve((err as { code?: number }).code ?? -1);
      else resolve((packet as { reasonCode?: number } | undefined)?.reasonCode ?? 0);
    });
  });
}

export async function deviceState(server: RunningServer, id: string): Promise<string> {
  const r = await apiGet<{ state: string }>(server, `/api/v1/devices/${id}`);
  return r.body.state;
}

export interface AlertView {
  id: string;
  deviceId: string;
  kind: string;
  severity: string;
  behavior: string;
  state: string;
  incidentId: string | null;
}

export async function alertsOf(server: RunningServer, id?: string): Promise<AlertView[]> {
  const r = await apiGet<{ alerts: AlertView[] }>(server, `/api/v1/alerts?limit=1000${id ? `&device=${id}` : ''}`);
  if (r.status !== 200) throw new Error(`alerts: ${r.status}`);
  return r.body.alerts;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
