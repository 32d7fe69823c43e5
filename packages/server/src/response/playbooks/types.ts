import type { AlertKind, Severity } from '../../monitor/index.js';

/** One ordered step. Each runs at most once per incident (idempotent) and is audited. */
export type Step =
  | { readonly action: 'quarantine' }
  | { readonly action: 'revoke' }
  | { readonly action: 'force-update' }
  | {
      readonly action: 'notify';
      readonly url: string;
      /** Name of the HMAC key (an environment variable `FLEETWARD_SECRET_<NAME>`); never the key itself. */
      readonly secret: string;
      readonly attempts?: number;
    };

/** A playbook, declared as data (JSON or YAML converted to JSON by the CLI). */
export interface Playbook {
  readonly name: string;
  readonly description?: string;
  readonly enabled: boolean;
  readonly trigger: { readonly kinds: readonly (AlertKind | '*')[]; readonly minSeverity: Severity };
  readonly steps: readonly Step[];
}
