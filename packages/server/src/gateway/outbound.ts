import { parseDeviceTopic } from '@fleetward/protocol';
import type { Broker } from './broker.js';
import { gatewayError } from './errors.js';
import { isValidTopicName } from './matcher.js';
import type { PublishResult } from './types.js';

const NOT_DELIVERED: PublishResult = { delivered: false };
const DELIVERED: PublishResult = { delivered: true };

/**
 * Server → device publish. Only `devices/{id}/commands/…` and `devices/{id}/updates/…`; the
 * message goes to the device's live session when one of its subscriptions matches, at the
 * lower of the requested and granted QoS. No retained messages, no queue for offline devices:
 * the caller (commands, updates) keeps its own state and retries.
 */
export function publishToDevice(broker: Broker, topic: string, payload: Buffer, qos: 0 | 1): Promise<PublishResult> {
  const parsed = parseDeviceTopic(topic);
  if (
    parsed === undefined ||
    (parsed.kind !== 'commands' && parsed.kind !== 'updates') ||
    parsed.rest.length === 0 ||
    !isValidTopicName(topic) ||
    topic.length > broker.limits.maxTopicLength
  ) {
    return Promise.reject(gatewayError('FW_GATEWAY_TOPIC_INVALID', 'not a command or update topic'));
  }
  const client = broker.sessions.get(parsed.deviceId);
  if (client === undefined || !client.connected || client.closed) return Promise.resolve(NOT_DELIVERED);
  const granted = client.subscriptions.match(topic);
  if (granted < 0) return Promise.resolve(NOT_DELIVERED);
  const effective = Math.min(granted, qos) as 0 | 1;
  const counters = broker.counters;
  if (effective === 0) {
    if (!fits(client.clientMaxPacket, topic, payload, 0)) return Promise.resolve(NOT_DELIVERED);
    client.send({ cmd: 'publish', topic, payload, qos: 0, retain: false, dup: false });
    counters.messagesOut.qos0++;
    client.device!.messagesOut++;
    return Promise.resolve(DELIVERED);
  }
  // MQTT 5.0 §3.3.4: no more QoS 1 in flight than the client's Receive Maximum.
  if (client.outgoing.size >= client.clientReceiveMaximum || !fits(client.clientMaxPacket, topic, payload, 1)) {
    return Promise.resolve(NOT_DELIVERED);
  }
  const messageId = client.nextMessageId();
  if (messageId === 0) return Promise.resolve(NOT_DELIVERED);
  return new Promise<PublishResult>((resolve) => {
    // Not acknowledged in time: not delivered for the caller; the packet id stays taken (within
    // the Receive Maximum) until the device acknowledges it or the connection ends.
    const timer = setTimeout(() => {
      client.outgoing.set(messageId, () => undefined);
      resolve(NOT_DELIVERED);
    }, broker.limits.publishAckTimeoutMs);
    timer.unref();
    client.outgoing.set(messageId, (delivered) => {
      clearTimeout(timer);
      resolve(delivered ? DELIVERED : NOT_DELIVERED);
    });
    client.send({ cmd: 'publish', topic, payload, qos: 1, messageId, retain: false, dup: false });
    counters.messagesOut.qos1++;
    client.device!.messagesOut++;
  });
}

/** MQTT 5.0 §3.1.2.11.4: never send a packet over the client's Maximum Packet Size (upper bound). */
function fits(max: number, topic: string, payload: Buffer, qos: number): boolean {
  return 5 + 2 + Buffer.byteLength(topic) + (qos > 0 ? 2 : 0) + 1 + payload.length <= max;
}
