import { ROLES } from '../api/index.js';

const role = { type: 'string', enum: [...ROLES] } as const;
const timestamp = { type: 'string', format: 'date-time' } as const;
const nullableTimestamp = { type: ['string', 'null'], format: 'date-time' } as const;
const username = { type: 'string', minLength: 1, maxLength: 256 } as const;
const password = { type: 'string', minLength: 1, maxLength: 4096 } as const;
export const TOKEN_ID = { type: 'string', pattern: '^[A-Za-z0-9_-]{16}$' } as const;
export const OPERATOR_ID = { type: 'string', pattern: '^op_[A-Za-z0-9_-]{16}$' } as const;

const idParams = (id: object) =>
  ({ type: 'object', additionalProperties: false, required: ['id'], properties: { id } }) as const;

const operatorInfo = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'username', 'role', 'createdAt', 'lockedUntil'],
  properties: {
    id: OPERATOR_ID,
    username: { type: 'string' },
    role,
    createdAt: timestamp,
    lockedUntil: nullableTimestamp,
  },
} as const;

const tokenInfo = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name', 'operatorId', 'username', 'role', 'createdAt', 'expiresAt', 'revokedAt', 'lastUsedAt'],
  properties: {
    id: TOKEN_ID,
    name: { type: 'string' },
    operatorId: OPERATOR_ID,
    username: { type: 'string' },
    role,
    createdAt: timestamp,
    expiresAt: nullableTimestamp,
    revokedAt: nullableTimestamp,
    lastUsedAt: nullableTimestamp,
  },
} as const;

const empty = { 204: { type: 'null', description: 'done' } } as const;

export const loginSchema = {
  summary: 'Log in with a username and password; answers a session API token (12 h)',
  body: {
    type: 'object',
    additionalProperties: false,
    required: ['username', 'password'],
    properties: { username, password },
  },
  response: {
    200: {
      type: 'object',
      additionalProperties: false,
      required: ['token', 'expiresAt', 'role'],
      properties: { token: { type: 'string' }, expiresAt: timestamp, role },
    },
  },
} as const;

export const whoamiSchema = {
  summary: 'The operator and token behind the request',
  response: {
    200: {
      type: 'object',
      additionalProperties: false,
      required: ['operatorId', 'username', 'role', 'tokenId'],
      properties: { operatorId: OPERATOR_ID, username: { type: 'string' }, role, tokenId: TOKEN_ID },
    },
  },
} as const;

export const logoutSchema = { summary: 'Revoke the token used for this request', response: empty } as const;

export const listTokensSchema = {
  summary: 'Every API token (never the secret)',
  response: { 200: { type: 'array', items: tokenInfo } },
} as const;

export const createTokenSchema = {
  summary: "Create an API token for the caller, of a role no higher than the caller's",
  body: {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'role'],
    properties: {
      name: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[^\\u0000-\\u001f]+$' },
      role,
      expiresAt: timestamp,
    },
  },
  response: {
    201: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'token', 'name', 'role', 'expiresAt'],
      properties: {
        id: TOKEN_ID,
        token: { type: 'string' },
        name: { type: 'string' },
        role,
        expiresAt: nullableTimestamp,
      },
    },
  },
} as const;

export const revokeTokenSchema = {
  summary: 'Revoke an API token',
  params: idParams(TOKEN_ID),
  response: empty,
} as const;

export const listOperatorsSchema = {
  summary: 'Every operator account',
  response: { 200: { type: 'array', items: operatorInfo } },
} as const;

export const createOperatorSchema = {
  summary: 'Create an operator account (password policy applies)',
  body: {
    type: 'object',
    additionalProperties: false,
    required: ['username', 'password', 'role'],
    properties: { username, password, role },
  },
  response: { 201: operatorInfo },
} as const;

export const deleteOperatorSchema = {
  summary: 'Delete an operator account and its tokens',
  params: idParams(OPERATOR_ID),
  response: empty,
} as const;

export const passwordSchema = {
  summary: 'Set a password: admin for anyone, or an operator for itself with its current password',
  params: idParams(OPERATOR_ID),
  body: {
    type: 'object',
    additionalProperties: false,
    required: ['password'],
    properties: { password, currentPassword: password },
  },
  response: empty,
} as const;
