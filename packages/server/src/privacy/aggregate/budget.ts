import type { Sql } from '../../store/index.js';
import { privacyError } from '../errors.js';

export interface Budget {
  readonly dataset: string;
  readonly total: number;
  readonly spent: number;
}

/** Float sums of epsilons: allow rounding dust, never a whole query. */
const SLACK = 1e-9;

/**
 * Spends `epsilon` of the dataset's budget (sequential composition), creating the budget at
 * `defaultTotal` on first use; refuses with FW_PRIVACY_BUDGET_EXHAUSTED, spending nothing, when
 * too little is left. Atomic: one conditional UPDATE, so concurrent queries cannot overspend.
 */
export async function spendBudget(
  tx: Sql,
  dataset: string,
  epsilon: number,
  defaultTotal: number,
  at: Date,
): Promise<Budget> {
  await tx.query(
    `insert into privacy_budgets (dataset, epsilon_total, epsilon_spent, updated_at) values ($1, $2, 0, $3)
     on conflict (dataset) do nothing`,
    [dataset, defaultTotal, at],
  );
  const r = await tx.query<{ epsilon_total: number; epsilon_spent: number }>(
    `update privacy_budgets set epsilon_spent = epsilon_spent + $2, updated_at = $3
     where dataset = $1 and epsilon_spent + $2 <= epsilon_total + ${SLACK}
     returning epsilon_total, epsilon_spent`,
    [dataset, epsilon, at],
  );
  const row = r.rows[0];
  if (!row) throw privacyError('FW_PRIVACY_BUDGET_EXHAUSTED', `epsilon ${epsilon} is more than ${dataset} has left`);
  return { dataset, total: Number(row.epsilon_total), spent: Number(row.epsilon_spent) };
}

export async function listBudgets(sql: Sql): Promise<Budget[]> {
  const r = await sql.query<{ dataset: string; epsilon_total: number; epsilon_spent: number }>(
    'select dataset, epsilon_total, epsilon_spent from privacy_budgets order by dataset',
  );
  return r.rows.map((x) => ({ dataset: x.dataset, total: Number(x.epsilon_total), spent: Number(x.epsilon_spent) }));
}
