import type mqtt from 'mqtt-packet';
import { isFleetwardError } from '@fleetward/protocol';
import { DeviceAcl } from '../acl.js';
import type { Client } from '../client.js';
import { RC, RC311 } from '../reason-codes.js';
import type { AuthenticatedDevice } from '../types.js';

/** Keep-alive the server imposes on MQTT 5 clients that ask for none (MQTT 5.0 §3.2.2.3.14). */
const SERVER_KEEP_ALIVE_S = 300;

/**
 * CONNECT (MQTT 3.1.1 §3.1, MQTT 5.0 §3.1), as a list of steps. The identity is the verified
 * client certificate; user name and password are ignored (never logged, never compared).
 */
export async function handleConnect(client: Client, packet: mqtt.IConnectPacket): Promise<void> {
  client.connecting = true;
  if (!checkProtocol(client, packet)) return;
  const device = await authenticate(client);
  if (device === undefined || client.closed) return;
  if (!checkClientId(client, packet, device)) return;
  if (!checkAuthMethodAndWill(client, packet, device)) return;
  takeOver(client, device);
  acknowledge(client, packet);
  client.drainQueued();
}

/** [MQTT-3.1.2-2] protocol levels other than 4 (3.1.1) and 5 are refused with 0x01 / 0x84. */
function checkProtocol(client: Client, packet: mqtt.IConnectPacket): boolean {
  const level = packet.protocolVersion;
  if (level === 4 || level === 5) {
    client.version = level;
    return true;
  }
  client.broker.counters.refused.protocolVersion++;
  refuse(client, RC311.UNACCEPTABLE_PROTOCOL_VERSION, RC.UNSUPPORTED_PROTOCOL_VERSION);
  return false;
}

async function authenticate(client: Client): Promise<AuthenticatedDevice | undefined> {
  const { counters, log } = client.broker;
  try {
    const device = latest(client, await client.auth);
    const state = device.state;
    const dev = counters.device(device.deviceId);
    dev.connectionAttempts++;
    if (state === 'revoked' || state === 'retired') {
      counters.refused.authentication++;
      refuse(client, RC311.NOT_AUTHORIZED, RC.NOT_AUTHORIZED);
      return undefined;
    }
    return device;
  } catch (err) {
    counters.refused.authentication++;
    const unavailable = isFleetwardError(err) && err.fault === 'unavailable';
    log.info({ code: isFleetwardError(err) ? err.code : 'FW_INTERNAL' }, 'mqtt connection refused');
    if (unavailable) refuse(client, RC311.SERVER_UNAVAILABLE, RC.SERVER_UNAVAILABLE);
    else refuse(client, RC311.NOT_AUTHORIZED, RC.NOT_AUTHORIZED);
    return undefined;
  }
}

/**
 * The state read when TLS completed, unless it changed since: a device revoked or quarantined
 * between its handshake and its CONNECT gets the new state (no session exists yet to act on).
 */
function latest(client: Client, device: AuthenticatedDevice): AuthenticatedDevice {
  const change = client.broker.stateChanges.get(device.deviceId);
  return change !== undefined && change.at >= client.acceptedAt ? { ...device, state: change.state } : device;
}

/** The client identifier must be the certificate's device id (v5 0x85, 3.1.1 0x02). */
function checkClientId(client: Client, packet: mqtt.IConnectPacket, device: AuthenticatedDevice): boolean {
  if (packet.clientId === device.deviceId) return true;
  client.broker.counters.refused.clientId++;
  client.broker.counters.device(device.deviceId).authorizationFailures++;
  refuse(client, RC311.IDENTIFIER_REJECTED, RC.CLIENT_ID_NOT_VALID);
  return false;
}

/** No enhanced authentication (0x8C); a will must pass the publish ACL, QoS <= 1, no retain. */
function checkAuthMethodAndWill(client: Client, packet: mqtt.IConnectPacket, device: AuthenticatedDevice): boolean {
  if (packet.properties?.authenticationMethod !== undefined) {
    refuse(client, RC311.NOT_AUTHORIZED, RC.BAD_AUTH_METHOD);
    return false;
  }
  const acl = new DeviceAcl(device.deviceId);
  client.acl = acl;
  const will = packet.will;
  if (will === undefined) return true;
  const kind = acl.publishKind(will.topic, device.state);
  if (kind === undefined || (will.qos ?? 0) > 1 || will.retain === true) {
    client.broker.counters.refused.authorization++;
    client.broker.counters.device(device.deviceId).authorizationFailures++;
    const v5 = kind === undefined ? RC.NOT_AUTHORIZED : will.retain ? RC.RETAIN_NOT_SUPPORTED : RC.QOS_NOT_SUPPORTED;
    refuse(client, RC311.NOT_AUTHORIZED, v5);
    return false;
  }
  client.will = { kind, payload: Buffer.isBuffer(will.payload) ? will.payload : Buffer.from(will.payload) };
  return true;
}

/** A second connection with the same client id takes over: the old one is closed (v5 0x8E). */
function takeOver(client: Client, device: AuthenticatedDevice): void {
  const { sessions, counters } = client.broker;
  const old = sessions.get(device.deviceId);
  if (old !== undefined && old !== client) old.disconnect(RC.SESSION_TAKEN_OVER);
  client.deviceId = device.deviceId;
  client.state = device.state;
  client.device = counters.device(device.deviceId);
  client.device.connections++;
  sessions.set(device.deviceId, client);
  counters.connectionsCurrent++;
  counters.connectionsTotal++;
}

/** CONNACK: session present 0 (sessions are not kept); MQTT 5 announces the server's limits. */
function acknowledge(client: Client, packet: mqtt.IConnectPacket): void {
  const limits = client.broker.limits;
  let keepAlive = packet.keepalive ?? 0;
  const connack: mqtt.IConnackPacket = { cmd: 'connack', sessionPresent: false, returnCode: 0, reasonCode: 0 };
  if (client.version === 5) {
    const props = packet.properties;
    if (props?.maximumPacketSize !== undefined) client.clientMaxPacket = props.maximumPacketSize;
    if (props?.receiveMaximum !== undefined) client.clientReceiveMaximum = props.receiveMaximum;
    connack.properties = {
      maximumQoS: 1,
      retainAvailable: false,
      maximumPacketSize: limits.maxPacketSize,
      receiveMaximum: limits.receiveMaximum,
      topicAliasMaximum: 0,
      wildcardSubscriptionAvailable: true,
      subscriptionIdentifiersAvailable: false,
      sharedSubscriptionAvailable: false,
    };
    if (keepAlive === 0) {
      keepAlive = SERVER_KEEP_ALIVE_S;
      connack.properties.serverKeepAlive = keepAlive;
    }
  }
  // [MQTT-3.1.2-24] the server closes the connection after 1.5 keep-alive periods of silence.
  client.keepAliveMs = keepAlive * 1500;
  client.connecting = false;
  client.connected = true;
  client.send(connack);
}

/** CONNACK with a refusal, then close ([MQTT-3.2.2-5]). */
function refuse(client: Client, v311: number, v5: number): void {
  client.connecting = false;
  client.send({ cmd: 'connack', sessionPresent: false, returnCode: v311, reasonCode: v5 });
  client.closed = true;
  client.socket.end();
  setTimeout(() => client.socket.destroy(), 1000).unref();
}
