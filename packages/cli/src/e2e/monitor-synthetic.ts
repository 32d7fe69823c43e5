// A synthetic fleet through the real detector (no network): the 100-device benign test and bench/detect.
import {
  ATTACK_KINDS,
  attackBehavior,
  benignMetrics,
  deviceSeed,
  GroundTruth,
  mulberry32,
  NETWORK_MODELS,
  pickInfected,
  type AttackBehavior,
  type AttackKind,
  type AttackSummary,
} from '@fleetward/sim';
import {
  defaultProfiles,
  DEFAULT_PLAYBOOKS,
  Detector,
  parseDeviceReport,
  severityAtLeast,
  type AlarmChange,
} from '@fleetward/server';

/** Telemetry interval per model (s): the gateway-side message counts of a benign device. */
const TELEMETRY_S: Readonly<Record<string, number>> = {
  thermostat: 60,
  camera: 10,
  'smart-plug': 30,
  'industrial-sensor': 5,
};

export interface SyntheticOptions {
  readonly devices: number;
  readonly hours: number;
  readonly windowMs?: number;
  /** Device-side report interval (the agent's metrics interval), also the gateway tick here. */
  readonly reportMs?: number;
  readonly seed?: number;
  readonly attack?: AttackKind;
  readonly infected?: number;
  /** When the infection starts (ms from the start); default: after a third of the run. */
  readonly infectAtMs?: number;
}

export interface SyntheticResult {
  readonly reports: number;
  readonly datapoints: number;
  readonly detectorMicros: number;
  readonly raised: readonly AlarmChange[];
  readonly falsePositives: readonly string[];
  readonly summary: AttackSummary;
}

const START = Date.parse('2026-11-02T00:00:00Z');

/**
 * Runs `devices` for `hours` of simulated time: each reports device-side metrics every `reportMs`
 * (benign per its model, or transformed by the attack once infected); gateway-side counts per
 * window are checked partially at every report tick and in full when the window closes. A device
 * is contained at its first alert the default playbook acts on (quarantine), and sends nothing after.
 */
export function runSyntheticFleet(o: SyntheticOptions): SyntheticResult {
  const windowMs = o.windowMs ?? 300_000;
  const reportMs = o.reportMs ?? 60_000;
  const seed = o.seed ?? 1;
  const detector = new Detector();
  detector.setProfiles(defaultProfiles(windowMs));
  const playbook = DEFAULT_PLAYBOOKS[0]!;
  const ids = Array.from({ length: o.devices }, (_, i) => `syn-${String(i + 1).padStart(5, '0')}`);
  const models = new Map(ids.map((id, i) => [id, NETWORK_MODELS[i % NETWORK_MODELS.length]!]));
  const random = new Map(ids.map((id) => [id, mulberry32(deviceSeed(seed, id))]));
  const metrics = new Map(ids.map((id) => [id, benignMetrics(models.get(id)!, random.get(id)!)]));
  const truth = new GroundTruth(o.attack ?? 'none');
  const infectAt = START + (o.infectAtMs ?? (o.hours * 3_600_000) / 3);
  const infected = new Map<string, AttackBehavior>();
  const pick = o.attack ? pickInfected(ids, o.infected ?? 0, mulberry32(seed + 99)) : [];
  const contained = new Set<string>();
  const raised: AlarmChange[] = [];
  const gateway = new Map<string, Record<string, number>>();
  let reports = 0;
  let windowStart = START;

  const onChanges = (changes: AlarmChange[], at: number) => {
    for (const c of changes) {
      if (c.change !== 'raised' && c.change !== 'escalated') continue;
      if (c.change === 'raised') raised.push(c);
      truth.alerted(c.deviceId, at);
      const acts =
        (playbook.trigger.kinds as readonly string[]).includes(c.kind) &&
        severityAtLeast(c.severity, playbook.trigger.minSeverity);
      if (acts && !contained.has(c.deviceId)) {
        contained.add(c.deviceId);
        truth.contained(c.deviceId, at);
      }
    }
  };

  for (let t = START; t < START + o.hours * 3_600_000; t += reportMs) {
    if (o.attack && t >= infectAt && infected.size === 0) {
      for (const id of pick) {
        infected.set(id, attackBehavior(o.attack, mulberry32(deviceSeed(seed + 7, id))));
        // Infected at a random moment of the last report interval: it shows at this tick.
        truth.infect(id, t - Math.floor(mulberry32(deviceSeed(seed + 8, id)).next() * reportMs));
      }
    }
    const at = new Date(t);
    for (const id of ids) {
      if (contained.has(id)) continue; // quarantined: its metrics and telemetry are refused
      const r = random.get(id)!;
      const attack = infected.get(id);
      const benign = metrics.get(id)!(at);
      // Through the real parser: the detector sees exactly what the gateway hook would give it.
      const report = parseDeviceReport(
        Buffer.from(JSON.stringify({ metrics: attack ? attack.metrics(benign) : benign })),
      );
      reports++;
      onChanges(
        detector.observe({ deviceId: id, model: models.get(id)!, source: 'device', at, metrics: report.metrics }),
        t,
      );
      const g = gateway.get(id) ?? zero();
      const sec = reportMs / 1000;
      g['num-messages-sent']! += Math.round((sec / TELEMETRY_S[models.get(id)!]!) * (0.8 + 0.4 * r.next())) + 1;
      if (r.next() < 0.002) g['num-connection-attempts']! += 1 + Math.floor(r.next() * 2);
      if (attack) {
        g['num-messages-sent']! += Math.round(attack.floodPerSecond * sec);
        g['num-authorization-failures']! += Math.round(attack.unauthorizedPerSecond * sec);
        g['num-connection-attempts']! += Math.round(attack.reconnectsPerSecond * sec);
      }
      gateway.set(id, g);
      onChanges(
        detector.observe({ deviceId: id, model: models.get(id)!, source: 'gateway', at, metrics: g, partial: true }),
        t,
      );
    }
    if (t + reportMs - windowStart >= windowMs) {
      const end = new Date(t + reportMs);
      for (const id of ids) {
        if (contained.has(id)) continue;
        onChanges(
          detector.observe({
            deviceId: id,
            model: models.get(id)!,
            source: 'gateway',
            at: end,
            metrics: gateway.get(id) ?? zero(),
          }),
          t + reportMs,
        );
      }
      gateway.clear();
      detector.rotateWindow();
      windowStart = t + reportMs;
    }
  }
  return {
    reports,
    datapoints: detector.stats.datapoints,
    detectorMicros: detector.stats.micros,
    raised,
    falsePositives: truth.falsePositives(),
    summary: truth.summary(),
  };
}

function zero(): Record<string, number> {
  return {
    'num-messages-sent': 0,
    'num-authorization-failures': 0,
    'num-connection-attempts': 0,
    'num-disconnects': 0,
  };
}

export { ATTACK_KINDS };
