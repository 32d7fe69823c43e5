import type { Clock } from '../../kernel/index.js';
import type { Store } from '../../store/index.js';
import type { EffectiveCatalog } from '../catalog/index.js';
import { privacyError } from '../errors.js';
import type { DeviceDecision } from '../minimize/index.js';
import { spendBudget } from './budget.js';
import type { UniformSource } from './noise.js';
import { checkQuery, type AggregateQuery, type AggregateResult } from './query.js';
import { releaseGroup } from './release.js';

export const ANALYTICS_PURPOSE = 'analytics.reporting';

export interface AggregateEnv {
  readonly store: Store;
  readonly clock: Clock;
  readonly uniform: UniformSource;
  /** Groups with a noisy count under k are suppressed. */
  readonly k: number;
  /** Epsilon a dataset (model.field) gets on its first query. */
  readonly defaultBudget: number;
  readonly catalog: (model: string) => Promise<EffectiveCatalog>;
  readonly decision: (deviceId: string) => Promise<DeviceDecision>;
}

/**
 * A differentially private fleet statistic (issue 7, item 7): only fields declared for
 * analytics.reporting, only devices whose owner's consent permits it, one value per device
 * (its mean over the window, clamped), noise from the injected uniform source, budget spent
 * before anything is released.
 */
export async function runAggregate(env: AggregateEnv, q: AggregateQuery): Promise<AggregateResult> {
  const bounds = checkQuery(q);
  const field = (await env.catalog(q.model)).fields.get(q.field);
  if (!field?.purposes.includes(ANALYTICS_PURPOSE)) {
    throw privacyError('FW_PRIVACY_FIELD_NOT_PERMITTED', `${q.model}.${q.field} is not declared for analytics`);
  }
  const groups = await groupValues(env, q, bounds);
  const dataset = `${q.model}.${q.field}`;
  const budget = await env.store.transaction((tx) =>
    spendBudget(tx, dataset, q.epsilon, env.defaultBudget, env.clock.now()),
  );
  const released = [...groups]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([group, values]) => releaseGroup(group, values, q, bounds, env.k, env.uniform));
  return {
    dataset,
    statistic: q.statistic,
    epsilon: q.epsilon,
    epsilonRemaining: Math.max(0, budget.total - budget.spent),
    k: env.k,
    mechanism: 'discrete-laplace',
    groups: released,
  };
}

async function groupValues(
  env: AggregateEnv,
  q: AggregateQuery,
  bounds: { lower: number; upper: number },
): Promise<Map<string, number[]>> {
  const r = await env.store.query<{ device_id: string; v: number | null }>(
    `select t.device_id,
       avg(case when jsonb_typeof(t.fields -> $2) = 'number' then (t.fields ->> $2)::double precision end) as v
     from telemetry t join devices d on d.id = t.device_id
     where d.model = $1 and t.fields ? $2 and ($3::timestamptz is null or t.received_at >= $3::timestamptz)
     group by t.device_id`,
    [q.model, q.field, q.since ?? null],
  );
  const groups = new Map<string, number[]>();
  if ((q.groupBy ?? 'none') === 'none') groups.set('all', []);
  for (const row of r.rows) {
    const decision = await env.decision(row.device_id);
    if (!decision.permits(q.field, ANALYTICS_PURPOSE)) continue;
    if (q.statistic !== 'count' && row.v === null) continue;
    const v = q.statistic === 'count' ? 1 : Math.min(bounds.upper, Math.max(bounds.lower, Number(row.v)));
    const key = q.groupBy === 'region' ? (decision.ownerRegion ?? 'unassigned') : 'all';
    let list = groups.get(key);
    if (!list) groups.set(key, (list = []));
    list.push(v);
  }
  return groups;
}
