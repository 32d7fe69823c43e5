import { errorFactory, type ErrorCatalogue } from '@fleetward/protocol';

/**
 * Codes of the MQTT gateway. On the wire they become MQTT reason codes; they appear in logs,
 * in thrown errors of the server-side API (`publish`, `listen`) and in docs/errors.md.
 */
export const GATEWAY_ERRORS = {
  FW_GATEWAY_HOOK_UNSET: {
    fault: 'forbidden',
    summary: 'A security hook (authenticate, ingest) is not configured, so the gateway refuses (deny by default).',
  },
  FW_GATEWAY_CLIENT_ID_MISMATCH: {
    fault: 'unauthenticated',
    summary: 'The MQTT client id differs from the device id of the client certificate (CONNACK 0x85 / 0x02).',
  },
  FW_GATEWAY_DEVICE_INACTIVE: {
    fault: 'forbidden',
    summary: 'The device is revoked or retired; its connections are refused and live sessions closed (0x87 / 0x98).',
  },
  FW_GATEWAY_NOT_AUTHORIZED: {
    fault: 'forbidden',
    summary: 'A publish or subscribe outside the device topic ACL was refused (PUBACK 0x87, SUBACK 0x80) and counted.',
  },
  FW_GATEWAY_PROTOCOL_ERROR: {
    fault: 'input',
    summary: 'The client broke the MQTT protocol (malformed packet, first packet not CONNECT, QoS 2); socket closed.',
  },
  FW_GATEWAY_PACKET_TOO_LARGE: {
    fault: 'too-large',
    summary: 'A packet was over the maximum packet size announced by the gateway (DISCONNECT 0x95).',
  },
  FW_GATEWAY_RATE_LIMITED: {
    fault: 'limit',
    summary: 'Too many connection attempts from one address, or messages from one device; dropped and counted.',
  },
  FW_GATEWAY_TOPIC_INVALID: {
    fault: 'input',
    summary: 'A server-side publish must go to devices/{id}/commands/… or devices/{id}/updates/… with no wildcard.',
  },
  FW_GATEWAY_CLOSED: { fault: 'unavailable', summary: 'The gateway is closing or closed.' },
} as const satisfies ErrorCatalogue;

export type GatewayErrorCode = keyof typeof GATEWAY_ERRORS;
export const gatewayError = errorFactory(GATEWAY_ERRORS);
