import { ALERT_KINDS, SEVERITIES } from '../../monitor/index.js';
import { responseError } from '../errors.js';
import type { Playbook, Step } from './types.js';

const NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const SECRET = /^[A-Z0-9_]{1,64}$/;
const ACTIONS = ['quarantine', 'revoke', 'force-update', 'notify'] as const;

/** Validates a playbook given as data; throws FW_RESPONSE_PLAYBOOK_INVALID. */
export function parsePlaybook(input: unknown): Playbook {
  const o = object(input, 'playbook');
  const name = o['name'];
  if (typeof name !== 'string' || !NAME.test(name)) throw invalid('name');
  const trigger = object(o['trigger'], 'trigger');
  const kinds = trigger['kinds'];
  if (!Array.isArray(kinds) || kinds.length === 0 || kinds.length > 16) throw invalid('trigger.kinds: 1 to 16');
  for (const k of kinds)
    if (k !== '*' && !(ALERT_KINDS as readonly unknown[]).includes(k)) throw invalid(`trigger.kinds: ${String(k)}`);
  const minSeverity = trigger['minSeverity'];
  if (!(SEVERITIES as readonly unknown[]).includes(minSeverity)) throw invalid('trigger.minSeverity');
  const steps = o['steps'];
  if (!Array.isArray(steps) || steps.length === 0 || steps.length > 16) throw invalid('steps: 1 to 16');
  const enabled = o['enabled'] ?? true;
  if (typeof enabled !== 'boolean') throw invalid('enabled');
  const description = o['description'];
  if (description !== undefined && (typeof description !== 'string' || description.length > 500))
    throw invalid('description');
  return {
    name,
    ...(description === undefined ? {} : { description }),
    enabled,
    trigger: {
      kinds: kinds as Playbook['trigger']['kinds'],
      minSeverity: minSeverity as Playbook['trigger']['minSeverity'],
    },
    steps: steps.map((s, i) => step(s, `steps[${i}]`)),
  };
}

function step(input: unknown, at: string): Step {
  const o = object(input, at);
  const action = o['action'];
  if (!(ACTIONS as readonly unknown[]).includes(action)) throw invalid(`${at}.action: one of ${ACTIONS.join(', ')}`);
  if (action !== 'notify') return { action: action as 'quarantine' | 'revoke' | 'force-update' };
  const url = o['url'];
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    throw invalid(`${at}.url`);
  }
  // Webhooks carry incident data: https only, except to this machine (tests, local relays).
  const loopback = ['127.0.0.1', '[::1]', 'localhost'].includes(parsed.hostname);
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && loopback)) throw invalid(`${at}.url: https`);
  const secret = o['secret'];
  if (typeof secret !== 'string' || !SECRET.test(secret)) throw invalid(`${at}.secret: a key name (A-Z, 0-9, _)`);
  const attempts = o['attempts'] ?? 5;
  if (!Number.isInteger(attempts) || (attempts as number) < 1 || (attempts as number) > 10)
    throw invalid(`${at}.attempts`);
  return { action: 'notify', url: parsed.toString(), secret, attempts: attempts as number };
}

function object(v: unknown, at: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalid(`${at}: an object`);
  return v as Record<string, unknown>;
}

function invalid(what: string) {
  return responseError('FW_RESPONSE_PLAYBOOK_INVALID', what);
}
