/**
 * Errors with stable codes. Every code is `FW_…`, listed in docs/errors.md, and never
 * changes meaning once published: scripts and devices `switch` on it.
 *
 * The class says whose fault it is (matter.js): the peer sent bad data (`PeerError`),
 * the caller lacks the right (`AuthError`), a limit was hit (`LimitError`), or we broke
 * (`InternalError`). The HTTP status comes from the catalogue entry of the code.
 */

/** Whose fault a failure is; decides the default HTTP status. */
export type Fault =
  | 'input' // the peer sent something malformed or invalid: 400
  | 'unauthenticated' // no or bad credentials: 401
  | 'forbidden' // authenticated but not allowed: 403
  | 'not-found' // 404
  | 'conflict' // state does not allow it: 409
  | 'gone' // expired or used up: 410
  | 'too-large' // 413
  | 'unsupported-media' // 415
  | 'limit' // rate or quota: 429
  | 'internal' // ours: 500
  | 'unavailable'; // 503

export const FAULT_STATUS: Readonly<Record<Fault, number>> = {
  input: 400,
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  gone: 410,
  'too-large': 413,
  'unsupported-media': 415,
  limit: 429,
  internal: 500,
  unavailable: 503,
};

export interface ErrorSpec {
  readonly fault: Fault;
  /** One sentence for docs/errors.md: when it happens and what to do. */
  readonly summary: string;
}

export type ErrorCatalogue = Readonly<Record<`FW_${string}`, ErrorSpec>>;

/** Base of every Fleetward error. `code` is stable; `message` is for people. */
export class FleetwardError<C extends string = string> extends Error {
  readonly code: C;
  readonly fault: Fault;
  readonly status: number;

  constructor(code: C, fault: Fault, message: string, options?: { cause?: unknown }) {
    super(`${code}: ${message}`, options);
    this.name = new.target.name;
    this.code = code;
    this.fault = fault;
    this.status = FAULT_STATUS[fault];
  }
}

/** Builds a typed error factory over one package's catalogue. */
export function errorFactory<const T extends ErrorCatalogue>(catalogue: T) {
  return function fail(
    code: keyof T & string,
    message: string,
    options?: { cause?: unknown },
  ): FleetwardError<keyof T & string> {
    const spec = catalogue[code as keyof T] as ErrorSpec;
    return new FleetwardError(code, spec.fault, message, options);
  };
}

export function isFleetwardError(err: unknown): err is FleetwardError {
  return err instanceof FleetwardError;
}

/** Codes of the protocol package: validation of shared formats. */
export const PROTOCOL_ERRORS = {
  FW_DEVICE_ID_INVALID: {
    fault: 'input',
    summary: 'A device id must match [a-z0-9][a-z0-9-]{2,63}.',
  },
  FW_TOPIC_INVALID: {
    fault: 'input',
    summary: 'The MQTT topic is not one of devices/{id}/{telemetry|metrics|events|state|commands/…|updates/…}.',
  },
  FW_TELEMETRY_INVALID: {
    fault: 'input',
    summary:
      'A telemetry payload must be a JSON object of named fields (numbers, strings, booleans), at most 64 fields.',
  },
} as const satisfies ErrorCatalogue;

export type ProtocolErrorCode = keyof typeof PROTOCOL_ERRORS;
export const protocolError = errorFactory(PROTOCOL_ERRORS);
