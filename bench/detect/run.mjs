// Benchmark: detection quality and cost of the monitor's detector (issue 6). Build first
// (`npx tsc -b`), then: `node bench/detect/run.mjs [--devices 1000] [--hours 8] [--seed 1] [--report 60]`.
// A seeded benign fleet (the simulator's per-model network generators, four models in turn)
// with 2 % of the devices infected by each attack kind in turn. Synthetic metric streams go
// through the real report parser and the real detector with the shipped default profile; the
// gateway side is simulated as per-device counts per window (partial windows checked at each
// report tick, like the server's tick). Containment = the first alert the default playbook acts
// on (its quarantine step itself runs in milliseconds: see the e2e test). Infection starts after
// a third of the run (the baselines' warm-up is well inside it).
import { Buffer } from 'node:buffer';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { ATTACK_KINDS, runSyntheticFleet } from '../../packages/cli/dist/e2e/monitor-synthetic.js';

const { values } = parseArgs({
  options: {
    devices: { type: 'string', default: '1000' },
    hours: { type: 'string', default: '8' },
    seed: { type: 'string', default: '1' },
    report: { type: 'string', default: '60' },
    json: { type: 'boolean', default: false },
  },
});
const DEVICES = Number(values.devices);
const HOURS = Number(values.hours);
const REPORT_MS = Number(values.report) * 1000;
const WINDOW_MS = 300_000;

function pct(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1];
}

const rows = [];
for (const attack of [undefined, ...ATTACK_KINDS]) {
  const infected = attack ? Math.round(DEVICES * 0.02) : 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = runSyntheticFleet({
    devices: DEVICES,
    hours: HOURS,
    seed: Number(values.seed),
    attack,
    infected,
    windowMs: WINDOW_MS,
    reportMs: REPORT_MS,
  });
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const outcomes = Object.values(r.summary.outcomes);
  const alert = outcomes
    .map((o) => o.secondsToAlert)
    .filter((s) => s !== null)
    .sort((a, b) => a - b);
  const contain = outcomes
    .map((o) => o.secondsToContainment)
    .filter((s) => s !== null)
    .sort((a, b) => a - b);
  const benignDeviceHours = (DEVICES - infected) * HOURS;
  rows.push({
    attack: attack ?? 'none (benign)',
    infected,
    detected: attack ? `${r.summary.detected}/${infected}` : '-',
    contained: attack ? `${r.summary.contained}/${infected}` : '-',
    'FP /1000 dev-h': ((r.falsePositives.length / benignDeviceHours) * 1000).toFixed(3),
    'alert p50 s': pct(alert, 50) ?? '-',
    'alert p99 s': pct(alert, 99) ?? '-',
    'contain p50 s': pct(contain, 50) ?? '-',
    'contain p99 s': pct(contain, 99) ?? '-',
    reports: r.reports,
    'detector wall ms /1000 reports': ((r.detectorMicros / 1000 / r.reports) * 1000).toFixed(1),
    'process CPU ms /1000 reports': (((cpu.user + cpu.system) / 1000 / r.reports) * 1000).toFixed(1),
    'wall s': (wall / 1000).toFixed(1),
  });
}

if (values.json) console.log(JSON.stringify(rows, null, 2));
else {
  console.log(
    `detect: ${DEVICES} devices, ${HOURS} h simulated, ${REPORT_MS / 1000} s reports, ${WINDOW_MS / 60000} min windows, seed ${values.seed}, node ${process.version}`,
  );
  console.table(rows);
}

// Detector CPU alone: one hour of 1,000 benign devices' parsed reports, pre-generated, then replayed.
{
  const { Detector, defaultProfiles, parseDeviceReport } = await import('../../packages/server/dist/index.js');
  const { benignMetrics, mulberry32, deviceSeed, NETWORK_MODELS } = await import('../../packages/sim/dist/index.js');
  const datapoints = [];
  const gens = Array.from({ length: DEVICES }, (_, i) => {
    const id = `cpu-${i}`;
    return {
      id,
      model: NETWORK_MODELS[i % NETWORK_MODELS.length],
      next: benignMetrics(NETWORK_MODELS[i % NETWORK_MODELS.length], mulberry32(deviceSeed(3, id))),
    };
  });
  const start = Date.parse('2026-11-02T00:00:00Z');
  for (let m = 0; m < 60; m++) {
    const at = new Date(start + m * 60_000);
    for (const g of gens) {
      const { metrics } = parseDeviceReport(Buffer.from(JSON.stringify({ metrics: g.next(at) })));
      datapoints.push({ deviceId: g.id, model: g.model, source: 'device', at, metrics });
    }
  }
  const detector = new Detector();
  detector.setProfiles(defaultProfiles(WINDOW_MS));
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (const dp of datapoints) detector.observe(dp);
  const cpu = process.cpuUsage(cpu0);
  const wall = performance.now() - t0;
  console.log(
    `detector alone: ${datapoints.length} device reports, CPU ${(((cpu.user + cpu.system) / 1000 / datapoints.length) * 1000).toFixed(1)} ms per 1,000 reports (wall ${((wall / datapoints.length) * 1000).toFixed(1)} ms)`,
  );
}
