import { DEVICE_ID_PATTERN } from '@fleetward/protocol';

/** Route params `:id` naming a device (the protocol's device id syntax). */
export const DEVICE_ID_PARAMS = {
  type: 'object',
  properties: { id: { type: 'string', pattern: DEVICE_ID_PATTERN.source } },
  required: ['id'],
} as const;
