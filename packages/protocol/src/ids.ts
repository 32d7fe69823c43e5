import { protocolError } from './errors.js';

/** Device ids: lower-case, DNS-label-like, 3 to 64 characters. Used as CN, MQTT client id and topic level. */
export const DEVICE_ID_PATTERN = /^[a-z0-9][a-z0-9-]{2,63}$/;

export function isDeviceId(value: unknown): value is string {
  return typeof value === 'string' && DEVICE_ID_PATTERN.test(value);
}

export function assertDeviceId(value: unknown): string {
  if (!isDeviceId(value)) {
    throw protocolError('FW_DEVICE_ID_INVALID', 'device id must match [a-z0-9][a-z0-9-]{2,63}');
  }
  return value;
}

/** The SAN URI bound into every device certificate. */
export function deviceUrn(id: string): string {
  return `urn:fleetward:device:${id}`;
}

export function deviceIdFromUrn(urn: string): string | undefined {
  const prefix = 'urn:fleetward:device:';
  if (!urn.startsWith(prefix)) return undefined;
  const id = urn.slice(prefix.length);
  return isDeviceId(id) ? id : undefined;
}

/** Model names follow the same shape as device ids. */
export const MODEL_PATTERN = /^[a-z0-9][a-z0-9-]{1,63}$/;

export function isModelName(value: unknown): value is string {
  return typeof value === 'string' && MODEL_PATTERN.test(value);
}
