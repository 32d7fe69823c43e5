import { DEVICE_ID_PATTERN } from '@fleetward/protocol';

export const MODEL = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$' } as const;
export const OWNER_ID = { type: 'string', pattern: '^own_[A-Za-z0-9_-]{22}$' } as const;
export const DEVICE_ID = { type: 'string', pattern: DEVICE_ID_PATTERN.source } as const;
export const PURPOSE = { type: 'string', minLength: 1, maxLength: 100 } as const;
export const ANY_OBJECT = { type: 'object', additionalProperties: true } as const;

export const modelParams = {
  type: 'object',
  required: ['model'],
  properties: { model: MODEL },
} as const;

export const ownerParams = {
  type: 'object',
  required: ['id'],
  properties: { id: OWNER_ID },
} as const;

export function actorOf(request: { principal?: { username: string } | undefined }): string {
  return `operator:${request.principal?.username ?? 'unknown'}`;
}
