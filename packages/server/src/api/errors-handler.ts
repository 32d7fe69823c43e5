import { isFleetwardError } from '@fleetward/protocol';
import type { FastifyError, FastifyInstance } from 'fastify';
import { serverError } from '../errors.js';
import type { Logger } from '../kernel/index.js';

/** The one shape of every API error: `{ error: { code, message } }`. */
export interface ErrorBody {
  error: { code: string; message: string };
}

function fromFastify(err: FastifyError) {
  if (err.validation) return serverError('FW_REQUEST_INVALID', err.message, { cause: err });
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return serverError('FW_BODY_TOO_LARGE', 'request body too large', { cause: err });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return serverError('FW_CONTENT_TYPE_UNSUPPORTED', 'unsupported content type', { cause: err });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return serverError('FW_REQUEST_INVALID', 'body is not valid JSON', { cause: err });
    default:
      if (err.statusCode === 400) return serverError('FW_REQUEST_INVALID', err.message, { cause: err });
      if (err.statusCode === 429) return serverError('FW_RATE_LIMITED', err.message, { cause: err });
      return undefined;
  }
}

/** Maps every thrown error to a status and `{ error: { code, message } }`; never leaks internals. */
export function installErrorHandler(app: FastifyInstance, log: Logger): void {
  app.setErrorHandler((raw: FastifyError, request, reply) => {
    const err = isFleetwardError(raw) ? raw : fromFastify(raw);
    if (!err || err.status >= 500) {
      log.error({ err: raw, reqId: request.id, url: request.url }, 'request failed');
      const body: ErrorBody = { error: { code: 'FW_INTERNAL', message: `internal error (request ${request.id})` } };
      return reply.status(err?.status ?? 500).send(err ? { error: { code: err.code, message: err.message } } : body);
    }
    const body: ErrorBody = { error: { code: err.code, message: err.message } };
    return reply.status(err.status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const body: ErrorBody = {
      error: { code: 'FW_ROUTE_NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}` },
    };
    return reply.status(404).send(body);
  });
}
