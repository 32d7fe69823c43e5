import { bootError } from './errors.js';

export type SlotName = 'a' | 'b';

export function otherSlot(slot: SlotName): SlotName {
  return slot === 'a' ? 'b' : 'a';
}

/** The persistent boot record: one atomic write changes it as a whole. */
export interface BootState {
  /** The confirmed slot: booted when no test is under way, and the revert target. */
  readonly active: SlotName;
  /** A newly installed slot awaiting confirmation (test mode), or null. */
  readonly pending: SlotName | null;
  /** Boots of the pending slot so far. */
  readonly attempts: number;
  /** Epoch ms after which an unconfirmed pending slot is reverted; set at its first boot. */
  readonly deadline: number | null;
  /** The anti-rollback counter: the highest SEC_CNT ever confirmed. Never decreases. */
  readonly securityCounter: number;
}

export const INITIAL_STATE: BootState = { active: 'a', pending: null, attempts: 0, deadline: null, securityCounter: 0 };

/**
 * The device's boot storage: two image slots and the state record. Each write replaces the
 * whole slot or record atomically (a power cut leaves the old or the new content, never a mix)
 * — except that a slot may be torn by a cut during its write, which verification catches.
 */
export interface SlotStorage {
  readSlot(slot: SlotName): Promise<Uint8Array | null>;
  writeSlot(slot: SlotName, image: Uint8Array): Promise<void>;
  readState(): Promise<BootState | null>;
  writeState(state: BootState): Promise<void>;
}

/** Validates a state record read back from storage (a flipped bit must not become a lower counter). */
export function checkState(value: unknown): BootState {
  const s = value as Partial<BootState> | null;
  const slot = (x: unknown) => x === 'a' || x === 'b';
  const uint = (x: unknown) => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 0xffffffff;
  const ok =
    typeof s === 'object' &&
    s !== null &&
    slot(s.active) &&
    (s.pending === null || (slot(s.pending) && s.pending !== s.active)) &&
    uint(s.attempts) &&
    (s.deadline === null || (typeof s.deadline === 'number' && Number.isFinite(s.deadline))) &&
    uint(s.securityCounter);
  if (!ok) throw bootError('FW_BOOT_STATE_CORRUPT', 'the boot state record is malformed');
  const { active, pending, attempts, deadline, securityCounter } = s as BootState;
  return { active, pending, attempts, deadline, securityCounter };
}
