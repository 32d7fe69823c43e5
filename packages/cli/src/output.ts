import { isFleetwardError } from '@fleetward/protocol';

/**
 * CLI conventions: a secret, or the one result a script needs, goes alone to stdout; every
 * message for people goes to stderr; `--json` prints one JSON document to stdout.
 */
export const out = {
  result(text: string): void {
    process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  },
  json(value: unknown): void {
    process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  },
  say(text: string): void {
    process.stderr.write(`${text}\n`);
  },
  /** Prints an error with its code; returns the exit code. */
  fail(err: unknown): number {
    if (isFleetwardError(err)) {
      process.stderr.write(`error ${err.message}\n`);
      return err.fault === 'internal' ? 70 : 1;
    }
    const e = err as Error;
    process.stderr.write(`error FW_INTERNAL: ${e?.stack ?? String(err)}\n`);
    return 70;
  },
};

/** A plain table for people (stderr-free: tables are results). */
export function table(rows: ReadonlyArray<Record<string, unknown>>, columns: readonly string[]): string {
  const cells = rows.map((r) => columns.map((c) => (r[c] === null || r[c] === undefined ? '' : String(r[c]))));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
  const line = (vals: readonly string[]) =>
    vals
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(columns), ...cells.map(line)].join('\n');
}
