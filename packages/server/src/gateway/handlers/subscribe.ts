import type mqtt from 'mqtt-packet';
import type { Client } from '../client.js';
import { isValidFilter } from '../matcher.js';
import { RC, RC311 } from '../reason-codes.js';

/**
 * SUBSCRIBE (MQTT 3.1.1 §3.8, MQTT 5.0 §3.8). Each filter is checked against the device ACL;
 * refused filters get 0x80 in the SUBACK (both versions) and count as authorization failures.
 * Granted QoS is at most 1 ([MQTT-3.8.4-6]); no retained messages exist to send.
 */
export function handleSubscribe(client: Client, packet: mqtt.ISubscribePacket): void {
  // MQTT 5.0 §3.8.2.1.2: the CONNACK said Subscription Identifiers Available = 0.
  if (client.version === 5 && packet.properties?.subscriptionIdentifier !== undefined) {
    return client.protocolError(RC.SUBSCRIPTION_IDS_NOT_SUPPORTED);
  }
  const { counters, limits } = client.broker;
  const granted: number[] = [];
  for (const sub of packet.subscriptions) {
    granted.push(grant(client, sub, limits.maxTopicLength, limits.maxSubscriptions));
  }
  const refused = granted.filter((g) => g >= 0x80).length;
  if (refused > 0) {
    counters.refused.authorization += refused;
    client.device!.authorizationFailures += refused;
  }
  // [MQTT-3.8.4-1] SUBACK with the same packet identifier, one code per filter ([MQTT-3.9.3-1]).
  client.send({ cmd: 'suback', messageId: packet.messageId ?? 0, granted });
}

function grant(client: Client, sub: mqtt.ISubscription, maxLength: number, maxSubscriptions: number): number {
  const filter = sub.topic;
  if (filter.length > maxLength || !isValidFilter(filter)) {
    return client.version === 5 ? RC.TOPIC_FILTER_INVALID : RC311.SUBACK_FAILURE;
  }
  if (!client.acl!.maySubscribe(filter, client.state)) return RC311.SUBACK_FAILURE; // 0x80 in both versions
  if (!client.subscriptions.has(filter) && client.subscriptions.size >= maxSubscriptions) {
    return client.version === 5 ? RC.QUOTA_EXCEEDED : RC311.SUBACK_FAILURE;
  }
  const qos = sub.qos >= 1 ? 1 : 0;
  client.subscriptions.add(filter, qos);
  return qos;
}
