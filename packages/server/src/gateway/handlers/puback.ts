import type mqtt from 'mqtt-packet';
import type { Client } from '../client.js';

/** The device acknowledged a server → device QoS 1 publish (MQTT 5.0 §3.4). */
export function handlePuback(client: Client, packet: mqtt.IPubackPacket): void {
  const id = packet.messageId ?? 0;
  const resolve = client.outgoing.get(id);
  if (resolve === undefined) return; // unknown id: ignored, as aedes does
  client.outgoing.delete(id);
  const reason = packet.reasonCode ?? 0;
  resolve(reason < 0x80);
}
