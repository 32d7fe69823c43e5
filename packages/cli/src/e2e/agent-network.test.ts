import * as assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createNodeAgent, type Agent } from '@fleetward/agent';
import { compare, steadySender, storedIds, waitFor } from './agent-kit.js';
import { TcpProxy } from './tcp-proxy.js';
import { enrollWithCli, removeDir, startServer, type RunningServer } from './harness.js';

interface Running {
  readonly agent: Agent;
  readonly id: string;
  readonly sender: ReturnType<typeof steadySender>;
  /** `offline` delays chosen by the backoff (ms). */
  readonly delays: number[];
}

/** In-process agents (createNodeAgent) behind a proxy: the test owns the network between them. */
async function startAgents(server: RunningServer, work: string, proxy: TcpProxy, prefix: string, n: number) {
  const running: Running[] = [];
  for (let i = 0; i < n; i++) {
    const device = await enrollWithCli(server, work, `${prefix}-${i}`);
    assert.equal(device.code, 0, device.stderr);
    const agent = await createNodeAgent({
      dir: device.dir,
      server: server.https,
      mqttUrl: `mqtts://127.0.0.1:${proxy.port}`,
      backoff: { baseMs: 500, maxMs: 2_000 },
    });
    const delays: number[] = [];
    agent.on('state', (state, detail) => state === 'offline' && delays.push(detail.delayMs!));
    await agent.start();
    running.push({ agent, id: device.id, delays, sender: steadySender(agent, 25, (v) => ({ v })) });
  }
  return running;
}

async function finish(server: RunningServer, running: Running[]): Promise<void> {
  for (const r of running) await r.sender.stop();
  await waitFor(() => running.every((r) => r.agent.stats().queued === 0), 60_000, 'every outbox to drain');
  for (const r of running) {
    await r.agent.stop();
    const { missing, duplicated } = compare(r.sender.written, await storedIds(server, r.id));
    assert.deepEqual(missing, [], `${r.id}: every written record is stored`);
    assert.deepEqual(duplicated, [], `${r.id}: stored once`);
  }
}

describe('agents and an unreliable gateway', () => {
  let work: string;
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'fw-agent-net-'));
  });
  after(() => removeDir(work));

  describe('when the gateway is unreachable for a while', () => {
    it('agents buffer, reconnect with jittered delays and deliver everything', async () => {
      const server = await startServer();
      const proxy = await TcpProxy.open(server.mqttPort);
      try {
        const running = await startAgents(server, work, proxy, 'net-cut', 4);
        await waitFor(() => running.every((r) => r.agent.stats().acknowledged >= 10), 30_000, 'agents online');
        proxy.cut();
        await waitFor(() => running.every((r) => r.delays.length >= 3), 30_000, 'agents retrying');
        assert.ok(
          running.every((r) => r.agent.stats().queued > 0),
          'records buffered while cut off',
        );
        proxy.restore();
        await finish(server, running);
        const delays = running.flatMap((r) => r.delays);
        assert.ok(
          delays.every((d) => Number.isInteger(d) && d >= 0 && d < 2_000),
          'every delay within [0, maxMs)',
        );
        // Full jitter draws each delay uniformly, so two may coincide by chance (a birthday collision
        // among ~12 draws in ~1,500 values is ~5 %); a fixed or shared schedule would repeat most of them.
        assert.ok(new Set(delays).size > delays.length / 2, `reconnect delays drawn, not fixed: ${delays.join(',')}`);
        const firsts = running.map((r) => r.delays[0]!);
        assert.ok(Math.max(...firsts) - Math.min(...firsts) > 0, 'first reconnects spread');
      } finally {
        await proxy.close();
        await server.stop();
        await removeDir(server.dir);
      }
    });
  });

  describe('when the server is killed with SIGKILL mid-stream and restarted on the same data', () => {
    it('every record written is stored exactly once', async () => {
      let server = await startServer();
      const dataDir = server.dir;
      const proxy = await TcpProxy.open(server.mqttPort);
      try {
        const running = await startAgents(server, work, proxy, 'srv-kill', 2);
        await waitFor(() => running.every((r) => r.agent.stats().acknowledged >= 20), 30_000, 'agents online');
        await server.stop('SIGKILL');
        await waitFor(() => running.every((r) => r.agent.state !== 'online'), 30_000, 'agents offline');
        server = await startServer(dataDir);
        proxy.target = server.mqttPort;
        await waitFor(() => running.every((r) => r.agent.state === 'online'), 30_000, 'agents back online');
        await finish(server, running);
      } finally {
        await proxy.close();
        await server.stop();
        await removeDir(dataDir);
      }
    });
  });
});
