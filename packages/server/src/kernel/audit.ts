import type { Sql } from '../store/index.js';

/** One fact for the audit log: who did what to what. Never put a secret in `details`. */
export interface AuditEntry {
  /** `operator:<username>`, `device:<id>`, `system`, `playbook:<name>` … */
  readonly actor: string;
  /** Dotted verb: `device.enroll`, `device.revoke`, `claim.create`, `operator.login` … */
  readonly action: string;
  /** What it acted on: `device:<id>`, `claim:<id>`, `operator:<username>` … */
  readonly target: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** The hash-chained audit log. Pass `tx` to append inside the caller's transaction. */
export interface AuditLog {
  append(entry: AuditEntry, tx?: Sql): Promise<void>;
}
