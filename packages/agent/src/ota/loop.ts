import { isFleetwardError } from '@fleetward/protocol';
import type { Bootloader, BootResult } from '../bootloader/index.js';
import type { CheckOptions, VerifiedUpdate } from '../updater/index.js';
import { checkJob, MemoryOtaJournal, type OtaJob, type OtaJournal } from './journal.js';

/** The steps a device reports on `devices/<id>/updates/status`. */
export type OtaStep = 'downloading' | 'verified' | 'installed' | 'booted' | 'confirmed' | 'rolled-back' | 'failed';

export interface OtaStatus {
  readonly rollout: string;
  readonly release: string;
  readonly step: OtaStep;
  /** The image version running (after boot) or being installed (after verification). */
  readonly version?: string;
  /** A `FW_…` code on `failed` and `rolled-back`. */
  readonly error?: string;
}

/** What the loop needs of `FirmwareUpdater` (tests pass a fake). */
export interface UpdateSource {
  /**
   * The loop always passes `targetName` and `currentVersion`: undefined then means the target's
   * signed version is the one running (nothing downloaded); a target not found is a refusal.
   */
  check(options: CheckOptions): Promise<VerifiedUpdate | undefined>;
}

/** Decides whether the image just booted in test mode is healthy; a throw counts as unhealthy. */
export type HealthCheck = (booted: BootResult, job: OtaJob) => Promise<boolean> | boolean;

export interface OtaLoopOptions {
  readonly bootloader: Bootloader;
  readonly updater: UpdateSource;
  /** Durable reporting (the agent's critical outbox records); a failure here never stops the loop. */
  readonly report: (status: OtaStatus) => Promise<unknown>;
  readonly journal?: OtaJournal;
  /** Default: healthy. */
  readonly healthCheck?: HealthCheck;
}

/**
 * The device side of an update: TUF check and download (updater), install into the inactive
 * slot, simulated reboot into test mode, health check, confirm or revert (bootloader), each step
 * reported. The job is journaled before the first write to a slot, so after a power cut `start()`
 * finishes it: a test image is health-checked again (or was already reverted by the bootloader),
 * an install that never completed is resumed.
 */
export class OtaLoop {
  readonly #o: OtaLoopOptions;
  readonly #journal: OtaJournal;
  #chain: Promise<unknown> = Promise.resolve();
  /** The notified job waiting behind the running one (at most one; see `notify`). */
  #waiting: OtaJob | null = null;
  #running: BootResult | null = null;

  constructor(options: OtaLoopOptions) {
    this.#o = options;
    this.#journal = options.journal ?? new MemoryOtaJournal();
  }

  /** The image running now (after `start`). */
  get running(): BootResult | null {
    return this.#running;
  }

  /** Boots (verifying the image) and finishes a job a power cut interrupted. */
  async start(): Promise<BootResult> {
    const job = await this.#journal.load().catch(() => null);
    const booted = await this.#boot();
    if (booted.mode === 'test') {
      await this.#serial(() => this.#finishTest(job ?? { rollout: 'unknown', release: 'unknown' }, booted));
    } else if (job) {
      if (booted.reverted !== undefined) {
        await this.#say(job, 'rolled-back', 'FW_OTA_BOOT_REVERTED');
        await this.#journal.save(null);
      } else if (job.version !== undefined && booted.image.versionText === job.version) {
        await this.#say(job, 'confirmed');
        await this.#journal.save(null);
      } else {
        void this.apply(job); // the install never completed: resume it
      }
    }
    return booted;
  }

  /**
   * The agent's `updates` hook: `available` carries `{rollout, release}`; other names are ignored.
   * At most one notified job waits behind the running one: a newer notice replaces it (the
   * latest wins), so notices arriving while a download is slow cannot queue without limit.
   */
  notify(name: string, payload: Uint8Array): void {
    if (name !== 'available') return;
    let job: OtaJob;
    try {
      const body = JSON.parse(new TextDecoder().decode(payload)) as { rollout?: unknown; release?: unknown };
      job = checkJob({ rollout: body.rollout, release: body.release });
    } catch (cause) {
      void cause; // a malformed notification changes nothing
      return;
    }
    const scheduled = this.#waiting !== null;
    this.#waiting = job;
    if (scheduled) return;
    void this.#serial(() => {
      const next = this.#waiting!;
      this.#waiting = null;
      return this.#apply(next);
    });
  }

  /** Resolves when no job is queued or running. */
  async idle(): Promise<void> {
    let chain;
    do {
      chain = this.#chain;
      await chain;
    } while (chain !== this.#chain);
  }

  /** Runs one job after any job in progress; resolves with its last reported status. */
  apply(job: OtaJob): Promise<OtaStatus> {
    return this.#serial(() => this.#apply(job));
  }

  async #apply(job: OtaJob): Promise<OtaStatus> {
    const { bootloader } = this.#o;
    const { state, current } = await bootloader.status();
    const running = current ?? (await this.#boot());
    if (state.pending === null && running.image.versionText === job.version) return this.#done(job, 'confirmed');
    let update: VerifiedUpdate | undefined;
    try {
      await this.#say(job, 'downloading');
      update = await this.#o.updater.check({
        securityCounter: state.securityCounter,
        currentVersion: running.image.versionText,
        targetName: job.release,
      });
    } catch (err) {
      return this.#done(job, 'failed', codeOf(err));
    }
    // Already running (the updater compared the target's signed version before downloading it).
    // With an image still in test mode, installing would have been refused all the same.
    if (!update) {
      if (state.pending !== null) return this.#done(job, 'failed', 'FW_BOOT_UPDATE_PENDING');
      return this.#done(job, 'confirmed');
    }
    if (update.version === running.image.versionText && state.pending === null) return this.#done(job, 'confirmed');
    const withVersion = { ...job, version: update.version };
    await this.#say(withVersion, 'verified');
    await this.#journal.save(withVersion);
    try {
      await bootloader.install(update.image);
    } catch (err) {
      return this.#done(withVersion, 'failed', codeOf(err));
    }
    await this.#say(withVersion, 'installed');
    const booted = await this.#boot(); // the simulated reboot
    if (booted.mode !== 'test') return this.#done(withVersion, 'rolled-back', 'FW_OTA_BOOT_REVERTED');
    return this.#finishTest(withVersion, booted);
  }

  async #finishTest(job: OtaJob, booted: BootResult): Promise<OtaStatus> {
    await this.#say(job, 'booted', undefined, booted.image.versionText);
    let healthy = false;
    try {
      healthy = (await this.#o.healthCheck?.(booted, job)) ?? true;
    } catch {
      healthy = false;
    }
    if (healthy) {
      this.#running = await this.#o.bootloader.confirm();
      return this.#done(job, 'confirmed');
    }
    await this.#o.bootloader.revert();
    await this.#boot();
    return this.#done(job, 'rolled-back', 'FW_OTA_HEALTH_CHECK_FAILED');
  }

  async #boot(): Promise<BootResult> {
    return (this.#running = await this.#o.bootloader.boot());
  }

  async #done(job: OtaJob, step: OtaStep, error?: string): Promise<OtaStatus> {
    const status = await this.#say(job, step, error, this.#running?.image.versionText);
    await this.#journal.save(null);
    return status;
  }

  async #say(job: OtaJob, step: OtaStep, error?: string, version = job.version): Promise<OtaStatus> {
    const status: OtaStatus = {
      rollout: job.rollout,
      release: job.release,
      step,
      ...(version === undefined ? {} : { version }),
      ...(error === undefined ? {} : { error }),
    };
    await this.#o.report(status).catch(() => undefined);
    return status;
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.#chain.then(fn, fn);
    this.#chain = next.catch(() => undefined);
    return next;
  }
}

function codeOf(err: unknown): string {
  return isFleetwardError(err) ? err.code : 'FW_INTERNAL';
}
