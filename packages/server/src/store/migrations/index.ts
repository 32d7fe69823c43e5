import { foundation } from './001-foundation.js';
import { monitor } from './007-monitor.js';
import { privacy } from './006-privacy.js';
import { updates } from './005-updates.js';
import { rollouts } from './008-rollouts.js';
import { tufStaged } from './009-tuf-staged.js';
import { knownBad } from './010-known-bad.js';
import { telemetryIngest } from './011-telemetry-ingest.js';
import { waveTimeout } from './012-wave-timeout.js';
import { telemetryChunks } from './013-telemetry-chunks.js';

/** One versioned schema change. Statements run in one transaction, in order. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly statements: readonly string[];
}

/** Every migration, oldest first. Append only: a published migration never changes. */
export const MIGRATIONS: readonly Migration[] = [
  foundation,
  updates,
  privacy,
  monitor,
  rollouts,
  tufStaged,
  knownBad,
  telemetryIngest,
  waveTimeout,
  telemetryChunks,
];
