import type mqtt from 'mqtt-packet';
import type { Client } from '../client.js';
import { RC } from '../reason-codes.js';
import { handleConnect } from './connect.js';
import { handleDisconnect } from './disconnect.js';
import { handlePingreq } from './pingreq.js';
import { handlePuback } from './puback.js';
import { handlePublish } from './publish.js';
import { handleSubscribe } from './subscribe.js';
import { handleUnsubscribe } from './unsubscribe.js';

/** Routes one parsed packet to its handler (one file per packet type, as in aedes). */
export function dispatch(client: Client, packet: mqtt.Packet): void {
  if (packet.cmd === 'connect') {
    // [MQTT-3.1.0-2] a second CONNECT is a protocol violation.
    if (client.connected || client.connecting) return client.protocolError();
    return void handleConnect(client, packet);
  }
  if (!client.connected) {
    // [MQTT-3.1.0-1] the first packet from the client must be CONNECT.
    client.broker.counters.refused.protocolErrors++;
    return client.destroy();
  }
  switch (packet.cmd) {
    case 'publish':
      return handlePublish(client, packet);
    case 'puback':
      return handlePuback(client, packet);
    case 'subscribe':
      return handleSubscribe(client, packet);
    case 'unsubscribe':
      return handleUnsubscribe(client, packet);
    case 'pingreq':
      return handlePingreq(client);
    case 'disconnect':
      return handleDisconnect(client, packet);
    case 'pubrec':
    case 'pubrel':
    case 'pubcomp':
      return client.protocolError(RC.QOS_NOT_SUPPORTED);
    default:
      // AUTH (no enhanced authentication) and packets only a server sends.
      return client.protocolError();
  }
}
