import type { Logger } from '../kernel/index.js';

type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

function serialize(obj: object | string, msg?: string): Record<string, unknown> {
  if (typeof obj === 'string') return { msg: obj };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    out[k] = v instanceof Error ? { code: (v as { code?: string }).code, message: v.message } : v;
  }
  if (msg) out['msg'] = msg;
  return out;
}

/** One JSON line per event on stderr, at `FLEETWARD_LOG_LEVEL` (default info). */
export function jsonLogger(level: Level = (process.env['FLEETWARD_LOG_LEVEL'] as Level) ?? 'info'): Logger {
  const min = ORDER[level] ?? ORDER.info;
  const write = (l: Level) => (obj: object | string, msg?: string) => {
    if (ORDER[l] < min) return;
    process.stderr.write(`${JSON.stringify({ level: l, time: new Date().toISOString(), ...serialize(obj, msg) })}\n`);
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
