import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from '../kernel/index.js';
import type { TokenAuthenticator } from './access.js';
import { installAccessControl, type RouteInfo } from './authorize.js';
import { installErrorHandler } from './errors-handler.js';

export interface HttpOptions {
  readonly log: Logger;
  readonly authenticate: TokenAuthenticator;
  /** TLS for listen(); absent in tests that use inject(). */
  readonly https?: {
    key: string | Buffer;
    cert: string | Buffer;
    /** Roots accepted for client certificates (EST reenroll, IDevID). Verification happens in the route. */
    ca?: Array<string | Buffer>;
  };
  /** Largest body any route takes unless it says otherwise (bytes). */
  readonly bodyLimit?: number;
}

export interface Http {
  readonly app: FastifyInstance;
  /** Every registered route with its access, filled as plugins register. */
  readonly routes: RouteInfo[];
}

/** The HTTPS server: access control and errors installed, no routes yet. `listen()` is the caller's. */
export function buildHttp(options: HttpOptions): Http {
  const app = Fastify({
    logger: false,
    bodyLimit: options.bodyLimit ?? 64 * 1024,
    requestTimeout: 30_000,
    connectionTimeout: 30_000,
    return503OnClosing: true,
    // In doubt, the strict behavior: unknown body properties are refused (400), not stripped.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false } },
    ...(options.https
      ? {
          https: {
            key: options.https.key,
            cert: options.https.cert,
            ...(options.https.ca ? { ca: options.https.ca } : {}),
            minVersion: 'TLSv1.2' as const,
            // Client certificates are asked for but optional: EST reenroll and IDevID routes
            // check them; every other route ignores them.
            requestCert: true,
            rejectUnauthorized: false,
          },
        }
      : {}),
  });
  installErrorHandler(app, options.log);
  const routes = installAccessControl(app, options.authenticate);
  return { app, routes };
}
