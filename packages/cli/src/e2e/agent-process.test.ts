import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { compare, storedIds, waitFor } from './agent-kit.js';
import { BIN, enrollWithCli, removeDir, runCli, startServer, type RunningServer } from './harness.js';

interface AgentProcess {
  readonly child: ChildProcess;
  readonly written: string[];
  readonly acked: Set<string>;
  readonly states: string[];
  readonly exited: Promise<number | null>;
}

/** `fleetward agent run --json` as a device runs it. */
function runAgent(server: RunningServer, dir: string): AgentProcess {
  const child = spawn(
    process.execPath,
    [
      BIN,
      'agent',
      'run',
      '--dir',
      dir,
      '--server',
      server.https,
      '--mqtt',
      server.mqtts,
      '--interval',
      '20ms',
      '--metrics-interval',
      '0',
      '--json',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const p: AgentProcess = {
    child,
    written: [],
    acked: new Set(),
    states: [],
    exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
  };
  child.stderr!.resume();
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const e = JSON.parse(line) as { event: string; id?: string; state?: string };
    if (e.event === 'written') p.written.push(e.id!);
    if (e.event === 'ack') p.acked.add(e.id!);
    if (e.event === 'state') p.states.push(e.state!);
  });
  return p;
}

describe('fleetward agent run against a real server', () => {
  let server: RunningServer;
  let work: string;

  before(async () => {
    server = await startServer();
    work = await mkdtemp(join(tmpdir(), 'fw-agent-e2e-'));
  });

  after(async () => {
    await server?.stop();
    await removeDir(server.dir);
    await removeDir(work);
  });

  describe('when the agent process is killed with SIGKILL mid-stream and restarted', () => {
    it('stores every record it reported as written exactly once (zero loss)', async () => {
      const device = await enrollWithCli(server, work, 'agent-kill-1');
      assert.equal(device.code, 0, device.stderr);
      const first = runAgent(server, device.dir);
      await waitFor(() => first.acked.size >= 50 && first.written.length >= 80, 30_000, 'first run to send');
      first.child.kill('SIGKILL');
      await first.exited;
      const second = runAgent(server, device.dir);
      await waitFor(() => second.written.length >= 30, 30_000, 'second run to send');
      const written = [...first.written, ...second.written];
      await waitFor(
        async () => compare(written, await storedIds(server, device.id)).missing.length === 0,
        30_000,
        'every written record on the server',
      );
      second.child.kill('SIGTERM');
      assert.equal(await second.exited, 0);
      const { missing, duplicated } = compare(written, await storedIds(server, device.id));
      assert.deepEqual(missing, []);
      assert.deepEqual(duplicated, []);
    });
  });

  describe('when the device is revoked while the agent runs', () => {
    it('reports revoked, stops (exit 3) and sends nothing more', async () => {
      const device = await enrollWithCli(server, work, 'agent-revoke-1');
      assert.equal(device.code, 0, device.stderr);
      const agent = runAgent(server, device.dir);
      await waitFor(() => agent.acked.size >= 10, 30_000, 'the agent to send');
      const revoke = await runCli(['device', 'revoke', device.id], { env: server.env });
      assert.equal(revoke.code, 0, revoke.stderr);
      assert.equal(await agent.exited, 3);
      assert.ok(agent.states.includes('revoked'));
      const stored = (await storedIds(server, device.id)).length;
      await new Promise((r) => setTimeout(r, 1_000));
      assert.equal((await storedIds(server, device.id)).length, stored, 'nothing stored after revocation');
    });
  });
});
