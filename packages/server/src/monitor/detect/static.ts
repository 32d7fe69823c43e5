import { BlockList, isIP } from 'node:net';
import type { Evaluation, MetricValue, StaticCriteria } from '../types.js';

/**
 * A static rule (AWS IoT Device Defender rule-based detect): a comparison, a set or a CIDR set.
 * Lists are violating when any member is (`not-in-set`: a port outside the allowed set).
 * Undefined when the value does not fit the rule (no datapoint for it).
 */
export function evaluateStatic(c: StaticCriteria, value: MetricValue): Evaluation | undefined {
  if ('value' in c) {
    if (typeof value !== 'number') return undefined;
    return { violating: compare(c.op, value, c.value), observed: value, expected: `${NOT[c.op]} ${c.value}` };
  }
  const items: readonly (number | string)[] = typeof value === 'number' ? [value] : value;
  if ('values' in c) {
    const set = new Set<number | string>(c.values);
    const bad = items.filter((v) => (c.op === 'in-set' ? set.has(v) : !set.has(v)));
    return { violating: bad.length > 0, observed: bad.length > 0 ? bad : items, expected: expectedSet(c.op, c.values) };
  }
  const list = cidrList(c.cidrs);
  const bad = items.filter((v) => {
    if (typeof v !== 'string' || isIP(v) === 0) return false;
    const inside = list.check(v, isIP(v) === 6 ? 'ipv6' : 'ipv4');
    return c.op === 'in-cidr-set' ? inside : !inside;
  });
  return { violating: bad.length > 0, observed: bad.length > 0 ? bad : items, expected: expectedSet(c.op, c.cidrs) };
}

const NOT = { gt: '<=', gte: '<', lt: '>=', lte: '>' } as const;

function compare(op: 'gt' | 'gte' | 'lt' | 'lte', a: number, b: number): boolean {
  switch (op) {
    case 'gt':
      return a > b;
    case 'gte':
      return a >= b;
    case 'lt':
      return a < b;
    case 'lte':
      return a <= b;
  }
}

function expectedSet(op: string, values: readonly (number | string)[]): string {
  return `${op.startsWith('not-') ? 'in' : 'not in'} {${values.join(', ')}}`;
}

const lists = new Map<string, BlockList>();

/** CIDR sets are compiled once (profiles are few and rarely change). */
function cidrList(cidrs: readonly string[]): BlockList {
  const key = cidrs.join(',');
  let list = lists.get(key);
  if (list === undefined) {
    list = new BlockList();
    for (const cidr of cidrs) {
      const [net, bits] = cidr.split('/') as [string, string | undefined];
      const type = isIP(net) === 6 ? 'ipv6' : 'ipv4';
      list.addSubnet(net, bits === undefined ? (type === 'ipv6' ? 128 : 32) : Number(bits), type);
    }
    if (lists.size > 1000) lists.clear();
    lists.set(key, list);
  }
  return list;
}

/** True when a static rule can be decided on a partial window: counts only grow within one. */
export function decidableOnPartial(c: StaticCriteria): boolean {
  return 'value' in c && (c.op === 'gt' || c.op === 'gte');
}
