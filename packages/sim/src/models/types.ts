/** A source of uniform numbers in [0, 1); structurally the agent's `Random`. */
export interface Random {
  next(): number;
}

export type Fields = Record<string, number | string | boolean>;

/** One step of a device: its telemetry record, and events that happened since the last step. */
export interface Sample {
  readonly telemetry: Fields;
  readonly events: readonly Fields[];
}

/** The state of one simulated device; small (a few numbers) because there may be 10,000. */
export interface Generator {
  /** The next sample at `nowMs` (epoch ms); time only moves forward. */
  next(nowMs: number): Sample;
}

export interface TelemetryModel {
  /** The model name the devices enroll with (a claim token's model). */
  readonly name: string;
  /** Default time between two samples. */
  readonly intervalMs: number;
  create(random: Random, startMs: number): Generator;
}
