import { errorFactory, type ErrorCatalogue } from '@fleetward/protocol';

/** Codes of the device agent. The server's own code, when there is one, is in the message and `cause`. */
export const AGENT_ERRORS = {
  FW_AGENT_INPUT_INVALID: {
    fault: 'input',
    summary: 'An agent option is invalid: device id, server URL (https only), CA file or claim token.',
  },
  FW_AGENT_ALREADY_ENROLLED: {
    fault: 'conflict',
    summary: 'The directory already holds device.crt; use reenroll to renew, or another directory.',
  },
  FW_AGENT_NOT_ENROLLED: { fault: 'not-found', summary: 'The directory lacks device.key, device.crt or ca.pem.' },
  FW_AGENT_SERVER_UNREACHABLE: {
    fault: 'unavailable',
    summary: 'The server could not be reached over TLS, or its certificate is not trusted by the CA file.',
  },
  FW_AGENT_ENROLL_REFUSED: {
    fault: 'forbidden',
    summary: 'The server refused the enrollment; the message carries its status and error code.',
  },
  FW_AGENT_RESPONSE_INVALID: {
    fault: 'internal',
    summary: 'The EST answer was not a certs-only PKCS#7 with a certificate for this key and device.',
  },
  FW_AGENT_STOPPED: { fault: 'conflict', summary: 'The agent was stopped; start a new one to send again.' },
  FW_AGENT_REVOKED: {
    fault: 'forbidden',
    summary:
      'The server refused this device (DISCONNECT 0x98, then a refused handshake): it is revoked or retired; the agent stopped retrying.',
  },
  FW_AGENT_OUTBOX_FULL: {
    fault: 'limit',
    summary: 'The outbox is full of critical records and nothing can be dropped; the record was not stored.',
  },
  FW_AGENT_OUTBOX_CORRUPT: {
    fault: 'internal',
    summary: 'An outbox file held a torn or damaged record (e.g. after a crash); it was skipped, the rest kept.',
  },
  FW_AGENT_PUBLISH_REFUSED: {
    fault: 'forbidden',
    summary:
      'The gateway refused a record for good (PUBACK 0x99 payload invalid, or 0x87 on a topic it does not take); it was dropped and counted.',
  },
  FW_AGENT_RENEWAL_FAILED: {
    fault: 'unavailable',
    summary:
      'Certificate renewal (EST simplereenroll) failed; the agent retries with backoff until the certificate expires.',
  },
  FW_AGENT_COMMAND_UNKNOWN: {
    fault: 'not-found',
    summary: 'A command with no registered handler; answered, never executed.',
  },
  FW_AGENT_COMMAND_INVALID: {
    fault: 'input',
    summary: 'A command message that is not JSON `{ id, args }`, or whose args the handler refused.',
  },
  FW_AGENT_METRICS_FAILED: {
    fault: 'internal',
    summary: 'Collecting device metrics failed (e.g. /proc unreadable); this interval is skipped.',
  },
  FW_AGENT_COMMAND_FAILED: { fault: 'internal', summary: 'A command handler threw; the reply carries this code.' },
} as const satisfies ErrorCatalogue;

export type AgentErrorCode = keyof typeof AGENT_ERRORS;
export const agentError = errorFactory(AGENT_ERRORS);
