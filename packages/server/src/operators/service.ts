import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { roleAtLeast, type Principal, type Role, type TokenAuthenticator } from '../api/index.js';
import type { Context } from '../kernel/index.js';
import { verifyPassword } from '../secrets/index.js';
import {
  findOperator,
  insertOperator,
  listOperators,
  removeOperator,
  setPassword,
  type OperatorInfo,
} from './accounts.js';
import { operatorError } from './errors.js';
import { createLogin, type Login } from './login.js';
import { checkPasswordPolicy } from './password-policy.js';
import { operatorRoutes } from './routes.js';
import { authenticate, insertToken, listTokens, revokeToken, type NewToken, type TokenInfo } from './tokens.js';

/** What the first start prints once: the admin's password and API token. Never stored in clear. */
export interface BootstrapCredentials {
  readonly username: string;
  readonly password: string;
  readonly token: string;
}

/** Who acts: an authenticated operator, or the server itself (bootstrap, CLI on the data dir). */
export type Actor = Principal | 'system';

export interface Operators {
  /** First start only (no operator yet): creates `admin` with a random password and an admin token. */
  bootstrapAdmin(): Promise<BootstrapCredentials | undefined>;
  authenticateToken: TokenAuthenticator;
  login: Login;
  createOperator(actor: Actor, spec: { username: string; password: string; role: Role }): Promise<OperatorInfo>;
  deleteOperator(actor: Principal, id: string): Promise<void>;
  /** Admin, or the operator itself (who must give its current password). */
  changePassword(actor: Principal, id: string, password: string, currentPassword?: string): Promise<void>;
  listOperators(): Promise<OperatorInfo[]>;
  /** A token for the creator, of a role no higher than the creator's. */
  createToken(creator: Principal, spec: { name: string; role: Role; expiresAt?: Date }): Promise<NewToken>;
  revokeToken(actor: Actor, id: string): Promise<void>;
  listTokens(): Promise<TokenInfo[]>;
  /** The fastify plugin of /api/v1/auth, /api/v1/tokens and /api/v1/operators. */
  routes: (app: FastifyInstance) => Promise<void>;
}

export interface OperatorsOptions {
  /** Lifetime of a login session token; 12 h by default. */
  readonly sessionTtlMs?: number;
}

const actorName = (actor: Actor) => (actor === 'system' ? 'system' : `operator:${actor.username}`);

/** Random bootstrap password: 24 base64url characters (144 bits) from the CSPRNG. */
function randomPassword(): string {
  for (;;) {
    const candidate = randomBytes(18).toString('base64url');
    try {
      checkPasswordPolicy(candidate, 'admin');
      return candidate;
    } catch {
      // astronomically unlikely: drew a known-bad pattern; draw again
    }
  }
}

export function createOperators(ctx: Context, options: OperatorsOptions = {}): Operators {
  const { store, clock, audit } = ctx;
  const login = createLogin(ctx, options.sessionTtlMs ?? 12 * 3600_000);

  const operators: Operators = {
    async bootstrapAdmin() {
      return store.transaction(async (tx) => {
        // several servers may start at once against one PostgreSQL: one bootstraps
        await tx.query('select pg_advisory_xact_lock(7262004, 1)');
        const n = await tx.query<{ n: number }>('select count(*)::int as n from operators');
        if ((n.rows[0]?.n ?? 0) > 0) return undefined;
        const now = clock.now();
        const password = randomPassword();
        const admin = await insertOperator(tx, now, { username: 'admin', password, role: 'admin' });
        const token = await insertToken(tx, now, { operatorId: admin.id, name: 'bootstrap', role: 'admin' });
        await audit.append(
          {
            actor: 'system',
            action: 'operator.create',
            target: 'operator:admin',
            details: { role: 'admin', bootstrap: true },
          },
          tx,
        );
        await audit.append(
          {
            actor: 'system',
            action: 'token.create',
            target: `token:${token.id}`,
            details: { name: 'bootstrap', role: 'admin', operator: 'admin' },
          },
          tx,
        );
        return { username: admin.username, password, token: token.token };
      });
    },

    authenticateToken: (token) => authenticate(store, clock, token),
    login,

    async createOperator(actor, spec) {
      return store.transaction(async (tx) => {
        const created = await insertOperator(tx, clock.now(), spec);
        await audit.append(
          {
            actor: actorName(actor),
            action: 'operator.create',
            target: `operator:${created.username}`,
            details: { role: created.role },
          },
          tx,
        );
        return created;
      });
    },

    async deleteOperator(actor, id) {
      await store.transaction(async (tx) => {
        const row = await removeOperator(tx, id, actor.operatorId);
        await audit.append(
          { actor: actorName(actor), action: 'operator.delete', target: `operator:${row.username}` },
          tx,
        );
      });
    },

    async changePassword(actor, id, password, currentPassword) {
      const self = actor.operatorId === id;
      // Not yours and not admin: answer as if it did not exist.
      if (!self && actor.role !== 'admin') throw operatorError('FW_OPERATOR_NOT_FOUND', 'no such operator');
      await store.transaction(async (tx) => {
        const row = await findOperator(tx, { id });
        if (!row) throw operatorError('FW_OPERATOR_NOT_FOUND', 'no such operator');
        if (self && !(currentPassword !== undefined && (await verifyPassword(currentPassword, row.password_hash)))) {
          throw operatorError('FW_PASSWORD_CURRENT_INVALID', 'give your current password to change it');
        }
        await setPassword(tx, clock.now(), row, password, self ? actor.tokenId : undefined);
        await audit.append(
          { actor: actorName(actor), action: 'operator.password', target: `operator:${row.username}` },
          tx,
        );
      });
    },

    listOperators: () => listOperators(store),

    async createToken(creator, spec) {
      if (!roleAtLeast(creator.role, spec.role)) {
        throw operatorError('FW_TOKEN_ROLE_EXCEEDS', `a ${creator.role} cannot create a ${spec.role} token`);
      }
      return store.transaction(async (tx) => {
        const token = await insertToken(tx, clock.now(), { operatorId: creator.operatorId, ...spec });
        await audit.append(
          {
            actor: actorName(creator),
            action: 'token.create',
            target: `token:${token.id}`,
            details: { name: token.name, role: token.role, expiresAt: token.expiresAt, operator: creator.username },
          },
          tx,
        );
        return token;
      });
    },

    async revokeToken(actor, id) {
      await store.transaction(async (tx) => {
        await revokeToken(tx, clock.now(), id);
        await audit.append({ actor: actorName(actor), action: 'token.revoke', target: `token:${id}` }, tx);
      });
    },

    listTokens: () => listTokens(store),
    routes: async (app) => operatorRoutes(app, operators),
  };
  return operators;
}
