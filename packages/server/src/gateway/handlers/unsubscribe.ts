import type mqtt from 'mqtt-packet';
import type { Client } from '../client.js';
import { RC } from '../reason-codes.js';

/** UNSUBSCRIBE (MQTT 3.1.1 §3.10, MQTT 5.0 §3.10); [MQTT-3.10.4-4] always answered with UNSUBACK. */
export function handleUnsubscribe(client: Client, packet: mqtt.IUnsubscribePacket): void {
  const codes = packet.unsubscriptions.map((filter) =>
    client.subscriptions.delete(filter) ? RC.SUCCESS : RC.NO_SUBSCRIPTION_EXISTED,
  );
  const unsuback: mqtt.IUnsubackPacket = { cmd: 'unsuback', messageId: packet.messageId ?? 0, granted: [] };
  if (client.version === 5) unsuback.granted = codes;
  client.send(unsuback);
}
