import type { DeviceCredentials, Keystore } from '../core/platform.js';

/** A keystore in memory (simulator, tests). */
export class MemoryKeystore implements Keystore {
  constructor(private credentials?: DeviceCredentials) {}

  load(): Promise<DeviceCredentials | undefined> {
    return Promise.resolve(this.credentials);
  }

  save(c: DeviceCredentials): Promise<void> {
    this.credentials = c;
    return Promise.resolve();
  }
}
