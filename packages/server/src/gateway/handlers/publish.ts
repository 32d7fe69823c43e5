import type mqtt from 'mqtt-packet';
import { isFleetwardError } from '@fleetward/protocol';
import type { Client } from '../client.js';
import { RC } from '../reason-codes.js';

/**
 * PUBLISH from a device (MQTT 3.1.1 §3.3, MQTT 5.0 §3.3): protocol checks, ACL, rate limit,
 * then the ingest hook. QoS 1 is acknowledged only after the hook resolved (the data is
 * durable), in arrival order.
 */
export function handlePublish(client: Client, packet: mqtt.IPublishPacket): void {
  const qos = packet.qos;
  if (!checkProtocol(client, packet)) return;
  const kind = authorize(client, packet);
  if (kind === undefined) return refuse(client, packet, RC.NOT_AUTHORIZED);
  if (!client.bucket.take(client.broker.now)) return rateLimited(client, packet);
  const counters = client.broker.counters;
  const device = client.device!;
  device.messagesIn++;
  const payload = packet.payload as Buffer;
  const ingest = startIngest(client, kind, payload);
  if (qos === 0) {
    counters.messagesIn.qos0++;
    client.qos0Started(); // over Receive Maximum pending: the socket pauses (back-pressure)
    ingest.then(
      () => client.qos0Settled(),
      (err: unknown) => {
        client.qos0Settled();
        ingestFailed(client, err);
      },
    );
    return;
  }
  counters.messagesIn.qos1++;
  // MQTT 5.0 §3.3.4: more QoS 1 publishes in flight than the announced Receive Maximum.
  if (client.version === 5 && client.acks.size >= client.broker.limits.receiveMaximum) {
    counters.refused.inflightExceeded++;
    return client.disconnect(RC.RECEIVE_MAXIMUM_EXCEEDED);
  }
  const seq = client.awaitAck(packet.messageId ?? 0);
  ingest.then(
    () => client.ack(seq, RC.SUCCESS),
    (err: unknown) => {
      const reason = ingestFailed(client, err);
      if (reason !== undefined) client.ack(seq, reason);
    },
  );
}

/** QoS 2, retain, topic aliases, wildcards and over-long topics are refused before the ACL. */
function checkProtocol(client: Client, packet: mqtt.IPublishPacket): boolean {
  if (packet.qos === 2) {
    client.protocolError(RC.QOS_NOT_SUPPORTED); // [MQTT-3.2.2-11] the CONNACK announced Maximum QoS 1
    return false;
  }
  if (client.version === 5) {
    if (packet.properties?.topicAlias !== undefined) {
      client.protocolError(RC.TOPIC_ALIAS_INVALID); // Topic Alias Maximum 0
      return false;
    }
    if (packet.retain) {
      client.protocolError(RC.RETAIN_NOT_SUPPORTED); // [MQTT-3.3.1-13] Retain Available 0
      return false;
    }
  }
  return true;
}

/** The ACL kind of the topic, undefined when refused (3.1.1 retained publishes are stored nowhere). */
function authorize(client: Client, packet: mqtt.IPublishPacket): string | undefined {
  if (packet.topic.length > client.broker.limits.maxTopicLength) return undefined;
  return client.acl!.publishKind(packet.topic, client.state);
}

function startIngest(client: Client, kind: string, payload: Buffer): Promise<void> {
  const hooks = client.broker.hooks;
  try {
    if (kind === 'telemetry') {
      if (hooks.ingestTelemetry !== undefined) return hooks.ingestTelemetry(client.deviceId, payload);
    } else if (hooks.ingest !== undefined) {
      return hooks.ingest(client.deviceId, kind, payload);
    }
    return Promise.reject(new HookUnset());
  } catch (err) {
    return Promise.reject(err);
  }
}

class HookUnset extends Error {}

/**
 * Maps an ingest failure: a coded input error (bad payload) is refused with v5 0x99 (3.1.1:
 * acknowledged so the device drops it, and counted); an unset hook is an authorization
 * refusal (0x87); anything else means the store is not durable now, so nothing is acknowledged
 * and the connection closes (v5 0x89 server busy) for the device to resend.
 */
function ingestFailed(client: Client, err: unknown): number | undefined {
  const { counters, log } = client.broker;
  if (err instanceof HookUnset) {
    counters.refused.authorization++;
    client.device!.authorizationFailures++;
    return client.version === 5 ? RC.NOT_AUTHORIZED : RC.SUCCESS;
  }
  if (isFleetwardError(err) && err.fault === 'input') {
    counters.refused.malformedPayloads++;
    client.device!.malformed++;
    return client.version === 5 ? RC.PAYLOAD_FORMAT_INVALID : RC.SUCCESS;
  }
  counters.refused.ingestUnavailable++;
  log.warn({ deviceId: client.deviceId, code: isFleetwardError(err) ? err.code : 'FW_INTERNAL' }, 'ingest failed');
  client.disconnect(RC.SERVER_BUSY);
  return undefined;
}

/**
 * ACL refusal, counted per device. MQTT 5 QoS 1: PUBACK 0x87. QoS 0 and MQTT 3.1.1 (which has
 * no negative PUBACK): dropped; 3.1.1 QoS 1 is still acknowledged so the client does not
 * resend the refused message forever ([MQTT-3.3.5-2]: acknowledge positively or close).
 */
function refuse(client: Client, packet: mqtt.IPublishPacket, reason: number): void {
  client.broker.counters.refused.authorization++;
  client.device!.authorizationFailures++;
  if (packet.qos === 1) client.ack(client.awaitAck(packet.messageId ?? 0), client.version === 5 ? reason : 0);
}

/**
 * Over the message budget: QoS 0 dropped and counted; QoS 1 refused with v5 PUBACK 0x97 quota
 * exceeded (0x96 is not a PUBACK code, MQTT 5.0 §3.4.2.1), and a 3.1.1 client (no negative
 * PUBACK) is disconnected (v5 would be 0x96) to back off and resend.
 */
function rateLimited(client: Client, packet: mqtt.IPublishPacket): void {
  client.broker.counters.refused.rateLimited++;
  client.device!.rateLimited++;
  if (packet.qos === 0) return;
  if (client.version === 5) client.ack(client.awaitAck(packet.messageId ?? 0), RC.QUOTA_EXCEEDED);
  else client.disconnect(RC.MESSAGE_RATE_TOO_HIGH);
}
