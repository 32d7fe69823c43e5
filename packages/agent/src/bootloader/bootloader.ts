import { verifyImage, type FirmwarePublicKey, type VerifiedImage } from '@fleetward/protocol';
import { bootError } from './errors.js';
import { INITIAL_STATE, otherSlot, type BootState, type SlotName, type SlotStorage } from './storage.js';

export interface BootloaderOptions {
  readonly storage: SlotStorage;
  /** The firmware author's public key, provisioned at manufacture; never changed by an update. */
  readonly rootOfTrust: FirmwarePublicKey;
  /** Boots a test image gets before it is reverted unless confirmed (default 3). */
  readonly maxAttempts?: number;
  /** Time a test image has, from its first boot, to confirm (default 10 minutes). */
  readonly confirmWithinMs?: number;
  readonly clock?: { now(): number };
}

export type BootMode = 'confirmed' | 'test';

export interface BootResult {
  readonly slot: SlotName;
  readonly mode: BootMode;
  readonly image: VerifiedImage;
  /** Boot attempt of a test image (1 = first). */
  readonly attempt: number;
  /** Set when this boot reverted an unconfirmed or invalid test image. */
  readonly reverted?: SlotName;
}

export interface BootStatus {
  readonly state: BootState;
  readonly current: BootResult | null;
}

/**
 * Secure boot over two slots (MCUboot's "swap with test/confirm" semantics, done by pointer
 * instead of by copy): verify before boot, refuse a lower security counter, boot a new image in
 * test mode, revert it unless confirmed within a boot count or a deadline, raise the stored
 * counter only on confirmation. Every state change is one atomic record write.
 */
export class Bootloader {
  private readonly storage: SlotStorage;
  private readonly maxAttempts: number;
  private readonly confirmWithinMs: number;
  private readonly clock: { now(): number };
  private current: BootResult | null = null;

  constructor(private readonly options: BootloaderOptions) {
    this.storage = options.storage;
    this.maxAttempts = options.maxAttempts ?? 3;
    this.confirmWithinMs = options.confirmWithinMs ?? 10 * 60_000;
    this.clock = options.clock ?? { now: () => Date.now() };
  }

  /** Verifies `image`, writes it to the inactive slot, reads it back, marks it pending (test). */
  async install(image: Uint8Array): Promise<VerifiedImage & { slot: SlotName }> {
    const state = await this.state();
    if (state.pending) throw bootError('FW_BOOT_UPDATE_PENDING', `slot ${state.pending} awaits confirmation`);
    await this.verify(image, state);
    const target = otherSlot(state.active);
    await this.storage.writeSlot(target, image);
    const written = await this.verifySlot(target, state);
    await this.storage.writeState({ ...state, pending: target, attempts: 0, deadline: null });
    return { ...written, slot: target };
  }

  /** Chooses, verifies and reports the slot to run; reverts a test image that ran out of chances. */
  async boot(): Promise<BootResult> {
    let state = await this.state();
    let reverted: SlotName | undefined;
    if (state.pending) {
      const test = await this.bootTest(state);
      if (test) return (this.current = test);
      reverted = state.pending;
      state = { ...state, pending: null, attempts: 0, deadline: null };
      await this.storage.writeState(state);
    }
    return (this.current = { ...(await this.bootConfirmed(state)), ...(reverted ? { reverted } : {}) });
  }

  /** The running test image is healthy: make it the active slot and raise the stored counter. */
  async confirm(): Promise<BootResult> {
    const state = await this.state();
    const current = this.current;
    if (!current || current.mode !== 'test' || state.pending !== current.slot) {
      throw bootError('FW_BOOT_NOT_IN_TEST', 'no test image is running');
    }
    const counter = Math.max(state.securityCounter, current.image.securityCounter ?? 0);
    await this.storage.writeState({
      active: current.slot,
      pending: null,
      attempts: 0,
      deadline: null,
      securityCounter: counter,
    });
    return (this.current = { ...current, mode: 'confirmed' });
  }

  /** Gives up on the pending image (failed health check): the next boot runs the active slot. */
  async revert(): Promise<void> {
    const state = await this.state();
    if (!state.pending) throw bootError('FW_BOOT_NOT_IN_TEST', 'no installed image awaits confirmation');
    await this.storage.writeState({ ...state, pending: null, attempts: 0, deadline: null });
  }

  async status(): Promise<BootStatus> {
    return { state: await this.state(), current: this.current };
  }

  private async bootTest(state: BootState): Promise<BootResult | null> {
    const slot = state.pending!;
    const now = this.clock.now();
    if (state.attempts >= this.maxAttempts || (state.deadline !== null && now > state.deadline)) return null;
    const attempt = state.attempts + 1;
    // Count the attempt before running it: a test image that hangs or crashes still uses it up.
    await this.storage.writeState({
      ...state,
      attempts: attempt,
      deadline: state.deadline ?? now + this.confirmWithinMs,
    });
    try {
      return { slot, mode: 'test', image: await this.verifySlot(slot, state), attempt };
    } catch {
      return null;
    }
  }

  private async bootConfirmed(state: BootState): Promise<BootResult> {
    for (const slot of [state.active, otherSlot(state.active)]) {
      try {
        const image = await this.verifySlot(slot, state);
        if (slot !== state.active) await this.storage.writeState({ ...state, active: slot });
        return { slot, mode: 'confirmed', image, attempt: 0 };
      } catch {
        // try the other slot
      }
    }
    throw bootError('FW_BOOT_NO_VALID_IMAGE', 'no slot holds a verified image with an allowed security counter');
  }

  private async verifySlot(slot: SlotName, state: BootState): Promise<VerifiedImage> {
    const bytes = await this.storage.readSlot(slot);
    if (!bytes) throw bootError('FW_BOOT_NO_VALID_IMAGE', `slot ${slot} is empty`);
    return this.verify(bytes, state);
  }

  private async verify(bytes: Uint8Array, state: BootState): Promise<VerifiedImage> {
    const image = await verifyImage(bytes, this.options.rootOfTrust);
    if (image.securityCounter === null) throw bootError('FW_BOOT_COUNTER_MISSING', 'the image has no SEC_CNT');
    if (image.securityCounter < state.securityCounter) {
      throw bootError(
        'FW_BOOT_ROLLBACK_REFUSED',
        `security counter ${image.securityCounter} < stored ${state.securityCounter}`,
      );
    }
    return image;
  }

  private async state(): Promise<BootState> {
    return (await this.storage.readState()) ?? INITIAL_STATE;
  }
}
