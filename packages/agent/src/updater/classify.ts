import { FleetwardError } from '@fleetward/protocol';
import { DownloadError, DownloadLengthMismatchError } from 'tuf-js/dist/error.js';
import { updaterError, type UpdaterErrorCode } from './errors.js';

/**
 * tuf-js names failures by class, but wraps those of snapshot and targets in a RuntimeError
 * whose message keeps only the inner message: so the class first, then the message, whose
 * texts are tuf-js 5.0 / @tufjs/models 4.1 (pinned; the attack tests fail if they change).
 */
const BY_MESSAGE: ReadonlyArray<readonly [RegExp, UpdaterErrorCode]> = [
  [/is longer than \d+ bytes/, 'FW_UPDATE_ENDLESS_DATA'],
  [/GET \S+: \d{3}/, 'FW_UPDATE_REPOSITORY_UNAVAILABLE'],
  [/signed by 0\/\d+ keys/, 'FW_UPDATE_METADATA_UNSIGNED'],
  [/signed by \d+\/\d+ keys/, 'FW_UPDATE_THRESHOLD_NOT_MET'],
  [/is expired/, 'FW_UPDATE_METADATA_EXPIRED'],
  // Client workflow 5.5.2, 5.5.4, 5.6.2, 5.6.4: a file is not the one its parent pins.
  [
    /does not match snapshot version|doesn't match timestamp|Expected (hash|length)|Missing .* in (new )?snapshot/,
    'FW_UPDATE_MIX_AND_MATCH',
  ],
  // Client workflow 5.3.5, 5.4.3, 5.5.5: versions only go up.
  [/less than current version|Expected version \d+, got/, 'FW_UPDATE_METADATA_ROLLBACK'],
];

/** Maps a failure of the TUF client to the updater's code for the attack it stopped. */
export function classifyTufError(err: unknown): FleetwardError {
  if (err instanceof FleetwardError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof DownloadLengthMismatchError) return refuse('FW_UPDATE_ENDLESS_DATA', message, err);
  for (const [pattern, code] of BY_MESSAGE) if (pattern.test(message)) return refuse(code, message, err);
  if (err instanceof DownloadError || /ECONN|ETIMEDOUT|EHOSTUNREACH|certificate|timed out|socket/i.test(message)) {
    return refuse('FW_UPDATE_REPOSITORY_UNAVAILABLE', message, err);
  }
  return refuse('FW_UPDATE_METADATA_INVALID', message, err);
}

function refuse(code: UpdaterErrorCode, message: string, cause: unknown): FleetwardError {
  return updaterError(code, message, { cause });
}
