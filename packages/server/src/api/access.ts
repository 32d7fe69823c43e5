/** Operator roles, weakest first. A role can do everything the roles before it can. */
export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function roleAtLeast(have: Role, need: Role): boolean {
  return ROLES.indexOf(have) >= ROLES.indexOf(need);
}

/**
 * What a route demands. Every route declares one (`config.access`); a route without it makes
 * the server refuse to start: deny by default.
 * - `{ role }`: an operator API token (Bearer) of at least that role;
 * - `{ public }`: no operator token; the route authenticates its caller itself (EST claim
 *   tokens or client certificates) or serves public data (CA certificates, CRL,
 *   security.txt). The string says why, for reviewers and the OpenAPI document.
 */
export type Access = { readonly role: Role } | { readonly public: string };

/** Who made a request, once the token was checked. */
export interface Principal {
  readonly operatorId: string;
  readonly username: string;
  readonly role: Role;
  readonly tokenId: string;
}

/** Checks an API token; resolves undefined when it is unknown, expired or revoked. */
export type TokenAuthenticator = (token: string) => Promise<Principal | undefined>;

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal?: Principal;
  }
}
