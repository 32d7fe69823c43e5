import { compareVersions, parseVersion } from '@fleetward/protocol';
import type { TargetFile } from 'tuf-js';
import { updaterError } from './errors.js';

/** What the repository signs about a firmware target (its TUF custom metadata). */
export interface TargetClaims {
  readonly name: string;
  readonly model: string;
  readonly version: string;
  readonly securityCounter: number;
}

/** Reads and checks a target's custom metadata; refuses a target without model, version or counter. */
export function claimsOf(target: TargetFile): TargetClaims {
  const c = target.custom;
  if (typeof c['model'] !== 'string' || typeof c['version'] !== 'string' || !Number.isInteger(c['securityCounter'])) {
    throw updaterError('FW_UPDATE_METADATA_INVALID', `target ${target.path} lacks model, version or securityCounter`);
  }
  return {
    name: target.path,
    model: c['model'],
    version: c['version'],
    securityCounter: c['securityCounter'] as number,
  };
}

/** The newest target for `model`: highest security counter, then highest version. */
export function newestFor(targets: readonly TargetClaims[], model: string): TargetClaims | undefined {
  let best: TargetClaims | undefined;
  for (const t of targets) {
    if (t.model !== model) continue;
    if (!best || compareClaims(t, best) > 0) best = t;
  }
  return best;
}

function compareClaims(a: TargetClaims, b: TargetClaims): number {
  if (a.securityCounter !== b.securityCounter) return a.securityCounter - b.securityCounter;
  return compareVersions(parseVersion(a.version), parseVersion(b.version));
}

/** Uptane's "meant for this ECU" check and TUF-level anti-rollback, before any download. */
export function checkMeantFor(t: TargetClaims, model: string, securityCounter: number): void {
  if (t.model !== model) throw updaterError('FW_UPDATE_WRONG_MODEL', `${t.name} is for ${t.model}, not ${model}`);
  if (t.securityCounter < securityCounter) {
    throw updaterError('FW_UPDATE_COUNTER_ROLLBACK', `${t.name} has counter ${t.securityCounter} < ${securityCounter}`);
  }
}
