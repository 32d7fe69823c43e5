/** Per infected device: seconds from infection to the first alert and to containment (null: never). */
export interface InfectedOutcome {
  readonly secondsToAlert: number | null;
  readonly secondsToContainment: number | null;
}

export interface AttackSummary {
  readonly attack: string;
  readonly infected: readonly string[];
  readonly outcomes: Readonly<Record<string, InfectedOutcome>>;
  readonly detected: number;
  readonly contained: number;
}

/** What the simulator knows and the server must find out: who is infected, and since when. */
export class GroundTruth {
  readonly #infectedAt = new Map<string, number>();
  readonly #alertAt = new Map<string, number>();
  readonly #containedAt = new Map<string, number>();

  constructor(readonly attack: string) {}

  infect(deviceId: string, atMs: number): void {
    if (!this.#infectedAt.has(deviceId)) this.#infectedAt.set(deviceId, atMs);
  }

  isInfected(deviceId: string): boolean {
    return this.#infectedAt.has(deviceId);
  }

  /** First alert seen for a device (benign devices' alerts are false positives, counted apart). */
  alerted(deviceId: string, atMs: number): void {
    if (!this.#alertAt.has(deviceId)) this.#alertAt.set(deviceId, atMs);
  }

  contained(deviceId: string, atMs: number): void {
    if (!this.#containedAt.has(deviceId)) this.#containedAt.set(deviceId, atMs);
  }

  /** Devices alerted that were never infected. */
  falsePositives(): string[] {
    return [...this.#alertAt.keys()].filter((id) => !this.#infectedAt.has(id)).sort();
  }

  summary(): AttackSummary {
    const infected = [...this.#infectedAt.keys()].sort();
    const outcomes: Record<string, InfectedOutcome> = {};
    const secs = (map: Map<string, number>, id: string) => {
      const t = map.get(id);
      return t === undefined ? null : Math.max(0, (t - this.#infectedAt.get(id)!) / 1000);
    };
    for (const id of infected) {
      outcomes[id] = { secondsToAlert: secs(this.#alertAt, id), secondsToContainment: secs(this.#containedAt, id) };
    }
    const count = (k: keyof InfectedOutcome) => infected.filter((id) => outcomes[id]![k] !== null).length;
    return {
      attack: this.attack,
      infected,
      outcomes,
      detected: count('secondsToAlert'),
      contained: count('secondsToContainment'),
    };
  }
}
