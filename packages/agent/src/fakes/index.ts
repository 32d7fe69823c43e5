export { FakeClock, settle } from './fake-clock.js';
export { FakeConnection, FakeTransport } from './fake-transport.js';
export type { ConnectOutcome, Published } from './fake-transport.js';
export { MemoryKeystore } from './memory-keystore.js';
export { MemoryOutbox } from './memory-outbox.js';
