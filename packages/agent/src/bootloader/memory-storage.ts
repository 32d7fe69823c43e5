import { checkState, type BootState, type SlotName, type SlotStorage } from './storage.js';

/** In-memory slots and state, for tests and the simulator; copies on the way in and out. */
export class MemorySlotStorage implements SlotStorage {
  readonly slots: Partial<Record<SlotName, Uint8Array>> = {};
  state: BootState | null = null;

  async readSlot(slot: SlotName): Promise<Uint8Array | null> {
    const bytes = this.slots[slot];
    return bytes ? Uint8Array.from(bytes) : null;
  }

  async writeSlot(slot: SlotName, image: Uint8Array): Promise<void> {
    this.slots[slot] = Uint8Array.from(image);
  }

  async readState(): Promise<BootState | null> {
    return this.state ? checkState(structuredClone(this.state)) : null;
  }

  async writeState(state: BootState): Promise<void> {
    this.state = checkState(structuredClone(state));
  }
}
