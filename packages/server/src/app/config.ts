/** Everything `fleetward up` can be told; each has a flag, an environment variable and a default. */
export interface ServerConfig {
  /** Data directory: embedded store, master key, CA root, admin token. Unset: all in memory (tests). */
  readonly dataDir?: string | undefined;
  /** PostgreSQL URL; unset: the embedded store in the data directory. */
  readonly databaseUrl?: string | undefined;
  /** Address to bind. Default 127.0.0.1; `0.0.0.0` to let devices on the network in. */
  readonly host: string;
  readonly httpPort: number;
  readonly mqttPort: number;
  /** Names and addresses devices use to reach the server: the TLS certificate's SANs. */
  readonly publicNames: readonly string[];
  /** Lifetime of device certificates, days. */
  readonly deviceCertDays: number;
}

export const DEFAULTS = {
  host: '127.0.0.1',
  httpPort: 8443,
  mqttPort: 8883,
  publicNames: ['localhost', '127.0.0.1', '::1'],
  deviceCertDays: 90,
} as const;

function intFrom(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new RangeError(`${name} must be a port number`);
  return n;
}

/** Reads FLEETWARD_* variables under the given overrides (flags win). */
export function configFrom(
  overrides: Partial<Record<keyof ServerConfig, string | undefined>>,
  env: NodeJS.ProcessEnv = process.env,
): ServerConfig {
  const names = overrides.publicNames ?? env['FLEETWARD_PUBLIC_NAMES'];
  return {
    dataDir: overrides.dataDir ?? env['FLEETWARD_DATA_DIR'] ?? './fleetward-data',
    databaseUrl: overrides.databaseUrl ?? env['FLEETWARD_DATABASE_URL'] ?? undefined,
    host: overrides.host ?? env['FLEETWARD_HOST'] ?? DEFAULTS.host,
    httpPort: intFrom(overrides.httpPort ?? env['FLEETWARD_HTTP_PORT'], DEFAULTS.httpPort, 'http port'),
    mqttPort: intFrom(overrides.mqttPort ?? env['FLEETWARD_MQTT_PORT'], DEFAULTS.mqttPort, 'mqtt port'),
    publicNames: names
      ? names
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : [...DEFAULTS.publicNames],
    deviceCertDays: intFrom(
      overrides.deviceCertDays ?? env['FLEETWARD_DEVICE_CERT_DAYS'],
      DEFAULTS.deviceCertDays,
      'certificate days',
    ),
  };
}
