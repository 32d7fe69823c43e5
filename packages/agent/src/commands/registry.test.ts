import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fakeAgent } from '../core/test-kit.js';
import { agentError } from '../errors.js';
import { settle } from '../fakes/fake-clock.js';
import { CommandRegistry } from './registry.js';

function registry(calls: unknown[]) {
  return new CommandRegistry().register('reboot', {
    parse(args) {
      const delay = (args as { delayS?: unknown } | undefined)?.delayS;
      if (typeof delay !== 'number' || delay < 0) throw agentError('FW_AGENT_COMMAND_INVALID', 'delayS');
      return { delayS: delay };
    },
    run(args) {
      calls.push(args);
      return { scheduled: true };
    },
  });
}

describe('commands', () => {
  it('runs a registered command and replies on devices/{id}/commands/{name}/reply', async () => {
    const calls: unknown[] = [];
    const t = fakeAgent({ commands: registry(calls) });
    await t.agent.start();
    await settle();
    const conn = t.transport.current!;
    assert.deepEqual(conn.subscriptions, ['devices/dev-1/commands/+']);
    conn.deliver('devices/dev-1/commands/reboot', JSON.stringify({ id: 'c1', args: { delayS: 5 } }));
    await settle();
    assert.deepEqual(calls, [{ delayS: 5 }]);
    const reply = conn.published.find((p) => p.topic === 'devices/dev-1/commands/reboot/reply')!;
    assert.deepEqual(JSON.parse(new TextDecoder().decode(reply.payload)), {
      id: 'c1',
      ok: true,
      result: { scheduled: true },
    });
    await t.agent.stop();
  });

  it('answers an unknown command with FW_AGENT_COMMAND_UNKNOWN and executes nothing', async () => {
    const calls: unknown[] = [];
    const r = registry(calls);
    const reply = await r.dispatch('format-disk', new TextEncoder().encode('{"id":"c2","args":{}}'), 'dev-1');
    assert.deepEqual(reply && !reply.ok && reply.error.code, 'FW_AGENT_COMMAND_UNKNOWN');
    assert.deepEqual(calls, []);
  });

  it('refuses invalid arguments with the handler code, without running it', async () => {
    const calls: unknown[] = [];
    const reply = await registry(calls).dispatch(
      'reboot',
      new TextEncoder().encode('{"id":"c3","args":{"delayS":"x"}}'),
      'd',
    );
    assert.equal(reply && !reply.ok && reply.error.code, 'FW_AGENT_COMMAND_INVALID');
    assert.deepEqual(calls, []);
  });

  it('drops messages that are not JSON {id, args} (nothing to reply to)', async () => {
    const r = registry([]);
    for (const bad of ['not json', '[]', '{"args":{}}', '{"id":"has space"}', '{"id":7}']) {
      assert.equal(await r.dispatch('reboot', new TextEncoder().encode(bad), 'd'), undefined, bad);
    }
  });

  it('answers a handler failure with FW_AGENT_COMMAND_FAILED', async () => {
    const r = new CommandRegistry().register('boom', {
      parse: () => undefined,
      run: () => {
        throw new Error('disk on fire');
      },
    });
    const reply = await r.dispatch('boom', new TextEncoder().encode('{"id":"c4"}'), 'd');
    assert.equal(reply && !reply.ok && reply.error.code, 'FW_AGENT_COMMAND_FAILED');
  });
});
