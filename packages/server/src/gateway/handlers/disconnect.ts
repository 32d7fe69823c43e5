import type mqtt from 'mqtt-packet';
import type { Client } from '../client.js';

/** MQTT 5 reason 0x04: disconnect with will message. */
const DISCONNECT_WITH_WILL = 0x04;

/**
 * [MQTT-3.14.4-3] on DISCONNECT the server discards the will ([MQTT-3.1.2-10]), unless an
 * MQTT 5 client asks for it (reason 0x04), and closes the connection.
 */
export function handleDisconnect(client: Client, packet: mqtt.IDisconnectPacket): void {
  if (packet.reasonCode !== DISCONNECT_WITH_WILL) client.will = undefined;
  client.end();
}
