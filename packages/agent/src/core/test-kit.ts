import { FakeClock } from '../fakes/fake-clock.js';
import { FakeTransport } from '../fakes/fake-transport.js';
import { MemoryKeystore } from '../fakes/memory-keystore.js';
import { MemoryOutbox } from '../fakes/memory-outbox.js';
import { Agent } from './agent.js';
import type { DeviceCredentials } from './platform.js';
import { seededRandom } from './random.js';
import type { AgentOptions, AgentState } from './types.js';

export const CREDS: DeviceCredentials = { deviceId: 'dev-1', keyPem: 'k', certPem: 'c', caPem: 'ca' };

/** An agent over fakes, with everything it did recorded. */
export function fakeAgent(overrides: Partial<AgentOptions> = {}, seed = 1) {
  const clock = new FakeClock();
  const transport = new FakeTransport(() => clock.now());
  const outbox = new MemoryOutbox();
  const keystore = new MemoryKeystore(CREDS);
  const agent = new Agent({
    deviceId: 'dev-1',
    mqttUrl: 'mqtts://gateway.test:8883',
    keystore,
    outbox,
    transport,
    clock,
    random: seededRandom(seed),
    ...overrides,
  });
  const states: AgentState[] = [];
  const acks: string[] = [];
  const dropped: string[] = [];
  const errors: string[] = [];
  agent.on('state', (s) => states.push(s));
  agent.on('ack', (id) => acks.push(id));
  agent.on('dropped', (id) => dropped.push(id));
  agent.on('error', (e) => errors.push(e.code));
  return { agent, clock, transport, outbox, keystore, states, acks, dropped, errors };
}

export function messageIdOf(payload: Uint8Array): string {
  return (JSON.parse(new TextDecoder().decode(payload)) as { messageId: string }).messageId;
}
