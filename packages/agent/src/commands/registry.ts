import { isFleetwardError } from '@fleetward/protocol';
import { agentError } from '../errors.js';

/** What a handler gets besides its arguments. */
export interface CommandContext {
  readonly deviceId: string;
  /** The id the server gave this invocation. */
  readonly id: string;
}

/**
 * A typed command: `parse` validates the untrusted `args` (throw to refuse, e.g. with
 * `agentError('FW_AGENT_COMMAND_INVALID', …)`), `run` does the work. The result must be JSON.
 */
export interface CommandHandler<A = unknown, R = unknown> {
  parse(args: unknown): A;
  run(args: A, ctx: CommandContext): Promise<R> | R;
}

/** The reply published on `devices/{id}/commands/{name}/reply`. */
export type CommandReply =
  | { readonly id: string; readonly ok: true; readonly result: unknown }
  | { readonly id: string; readonly ok: false; readonly error: { readonly code: string; readonly message: string } };

const COMMAND_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/; // the gateway's reply-topic grammar
const INVOCATION_ID = /^[A-Za-z0-9_.:-]{1,128}$/;
const MAX_COMMAND_BYTES = 64 * 1024;

/** The commands a device answers. Anything not registered is refused, never executed. */
export class CommandRegistry {
  readonly #handlers = new Map<string, CommandHandler<never>>();

  register<A, R>(name: string, handler: CommandHandler<A, R>): this {
    if (!COMMAND_NAME.test(name)) throw agentError('FW_AGENT_INPUT_INVALID', `bad command name ${name}`);
    this.#handlers.set(name, handler as unknown as CommandHandler<never>);
    return this;
  }

  has(name: string): boolean {
    return this.#handlers.has(name);
  }

  /**
   * Runs one command message. Returns undefined when the message has no usable id (nothing to
   * reply to: dropped), otherwise the reply, errors included.
   */
  async dispatch(name: string, payload: Uint8Array, deviceId: string): Promise<CommandReply | undefined> {
    const message = parseMessage(payload);
    if (message === undefined) return undefined;
    const { id, args } = message;
    const handler = this.#handlers.get(name);
    if (handler === undefined || !COMMAND_NAME.test(name)) {
      return fail(id, agentError('FW_AGENT_COMMAND_UNKNOWN', `no command ${name.slice(0, 64)}`));
    }
    let parsed: never;
    try {
      parsed = handler.parse(args) as never;
    } catch (err) {
      return fail(id, isFleetwardError(err) ? err : agentError('FW_AGENT_COMMAND_INVALID', 'arguments refused'));
    }
    try {
      return { id, ok: true, result: (await handler.run(parsed, { deviceId, id })) ?? null };
    } catch (err) {
      return fail(id, isFleetwardError(err) ? err : agentError('FW_AGENT_COMMAND_FAILED', 'the handler failed'));
    }
  }
}

function parseMessage(payload: Uint8Array): { id: string; args: unknown } | undefined {
  if (payload.byteLength > MAX_COMMAND_BYTES) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { id, args } = value as { id?: unknown; args?: unknown };
  if (typeof id !== 'string' || !INVOCATION_ID.test(id)) return undefined;
  return { id, args };
}

function fail(id: string, err: { code: string; message: string }): CommandReply {
  return { id, ok: false, error: { code: err.code, message: err.message } };
}
