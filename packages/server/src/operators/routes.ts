import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Principal, Role } from '../api/index.js';
import { operatorError } from './errors.js';
import type { Operators } from './service.js';
import * as schemas from './schemas.js';

function principal(request: FastifyRequest): Principal {
  // set by access control on every role route; absent only through a wiring bug
  if (!request.principal) throw operatorError('FW_OPERATOR_NOT_FOUND', 'no operator on this request');
  return request.principal;
}

const admin = { access: { role: 'admin' } } as const;
const viewer = { access: { role: 'viewer' } } as const;

/** /api/v1/auth, /api/v1/tokens, /api/v1/operators. */
export async function operatorRoutes(app: FastifyInstance, ops: Operators): Promise<void> {
  app.post<{ Body: { username: string; password: string } }>(
    '/api/v1/auth/login',
    {
      schema: schemas.loginSchema,
      config: { access: { public: 'operators log in here with a password; rate-limited and locked out on failures' } },
    },
    async (request, reply) => {
      try {
        return await ops.login({ ...request.body, source: request.ip });
      } catch (err) {
        const wait = (err as { retryAfter?: unknown }).retryAfter;
        if (typeof wait === 'number') void reply.header('retry-after', String(wait));
        throw err;
      }
    },
  );
  app.get('/api/v1/auth/whoami', { schema: schemas.whoamiSchema, config: viewer }, async (request) => {
    const { operatorId, username, role, tokenId } = principal(request);
    return { operatorId, username, role, tokenId };
  });
  app.post('/api/v1/auth/logout', { schema: schemas.logoutSchema, config: viewer }, async (request, reply) => {
    const who = principal(request);
    await ops.revokeToken(who, who.tokenId);
    return reply.status(204).send();
  });

  app.get('/api/v1/tokens', { schema: schemas.listTokensSchema, config: admin }, async () => ops.listTokens());
  app.post<{ Body: { name: string; role: Role; expiresAt?: string } }>(
    '/api/v1/tokens',
    { schema: schemas.createTokenSchema, config: admin },
    async (request, reply) => {
      const { name, role, expiresAt } = request.body;
      const spec = expiresAt === undefined ? { name, role } : { name, role, expiresAt: new Date(expiresAt) };
      return reply.status(201).send(await ops.createToken(principal(request), spec));
    },
  );
  app.delete<{ Params: { id: string } }>(
    '/api/v1/tokens/:id',
    { schema: schemas.revokeTokenSchema, config: admin },
    async (request, reply) => {
      await ops.revokeToken(principal(request), request.params.id);
      return reply.status(204).send();
    },
  );

  app.get('/api/v1/operators', { schema: schemas.listOperatorsSchema, config: admin }, async () => ops.listOperators());
  app.post<{ Body: { username: string; password: string; role: Role } }>(
    '/api/v1/operators',
    { schema: schemas.createOperatorSchema, config: admin },
    async (request, reply) => reply.status(201).send(await ops.createOperator(principal(request), request.body)),
  );
  app.delete<{ Params: { id: string } }>(
    '/api/v1/operators/:id',
    { schema: schemas.deleteOperatorSchema, config: admin },
    async (request, reply) => {
      await ops.deleteOperator(principal(request), request.params.id);
      return reply.status(204).send();
    },
  );
  app.post<{ Params: { id: string }; Body: { password: string; currentPassword?: string } }>(
    '/api/v1/operators/:id/password',
    { schema: schemas.passwordSchema, config: viewer },
    async (request, reply) => {
      const { password, currentPassword } = request.body;
      await ops.changePassword(principal(request), request.params.id, password, currentPassword);
      return reply.status(204).send();
    },
  );
}
