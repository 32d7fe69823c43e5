import type { CloseReason } from './platform.js';

/** MQTT 5.0 §2.4 reason codes the agent acts on. */
export const REASON = {
  NOT_AUTHORIZED: 0x87,
  BAD_CREDENTIALS: 0x86,
  BANNED: 0x8a,
  PAYLOAD_FORMAT_INVALID: 0x99,
  QUOTA_EXCEEDED: 0x97,
  ADMINISTRATIVE_ACTION: 0x98,
  SERVER_BUSY: 0x89,
} as const;

/** A QoS 1 publish the server answered with a PUBACK reason code >= 0x80 (MQTT 5.0 §3.4.2.1). */
export class PublishRefused extends Error {
  constructor(readonly reasonCode: number) {
    super(`PUBACK reason 0x${reasonCode.toString(16)}`);
    this.name = 'PublishRefused';
  }
}

/** A connection attempt the server refused (CONNACK reason, TLS alert). */
export class ConnectRefused extends Error {
  constructor(
    readonly reason: CloseReason,
    options?: { cause?: unknown },
  ) {
    super(`connection refused${reason.code === undefined ? '' : ` 0x${reason.code.toString(16)}`}`, options);
    this.name = 'ConnectRefused';
  }
}

/** The refusal carried by a connect error, undefined for a network failure. */
export function connectRefusal(err: unknown): CloseReason | undefined {
  return err instanceof ConnectRefused ? err.reason : undefined;
}

/** CONNACK/DISCONNECT codes that mean "this identity is not welcome". */
export function isIdentityRefusal(code: number | undefined): boolean {
  return (
    code === REASON.NOT_AUTHORIZED ||
    code === REASON.BAD_CREDENTIALS ||
    code === REASON.BANNED ||
    code === REASON.ADMINISTRATIVE_ACTION
  );
}
