import { parseArgs, type ParseArgsConfig } from 'node:util';
import { cliError } from './errors.js';

export type Options = NonNullable<ParseArgsConfig['options']>;

/** Strict parsing: unknown options and missing values are usage errors with a code. */
export type Values<O extends Options> = {
  [K in keyof O]?: O[K] extends { type: 'boolean' } ? boolean : O[K] extends { multiple: true } ? string[] : string;
};

export function parse<const O extends Options>(
  argv: string[],
  options: O,
): { values: Values<O>; positionals: string[] } {
  try {
    const r = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { values: r.values as Values<O>, positionals: r.positionals };
  } catch (cause) {
    throw cliError('FW_CLI_USAGE', (cause as Error).message, { cause });
  }
}

/** Parses `90d`, `1h`, `30m`, `45s` or plain milliseconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m) throw cliError('FW_CLI_USAGE', `not a duration: ${text} (use e.g. 30m, 1h, 7d)`);
  const n = Number(m[1]);
  const unit = { ms: 1, s: 1e3, m: 60e3, h: 3600e3, d: 86400e3 }[(m[2] ?? 'ms') as 'ms'];
  return n * unit;
}

export function requireOption(value: string | undefined, name: string): string {
  if (!value) throw cliError('FW_CLI_USAGE', `--${name} is required`);
  return value;
}
