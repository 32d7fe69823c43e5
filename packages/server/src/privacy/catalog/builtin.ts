import type { CatalogField, ModelCatalog } from './types.js';

const OPS = 'essential.service.operations';

function field(name: string, category: string, description: string, extra: Partial<CatalogField> = {}): CatalogField {
  return {
    name,
    category,
    purposes: [OPS],
    essential: true,
    sensitivity: 'low',
    retentionDays: 90,
    storage: 'platform',
    description,
    ...extra,
  };
}

/**
 * Device health, for every model (with or without a catalog): the agent's heartbeat. Nothing
 * else is stored for a model that has no catalog ("a field not in the catalog is never stored").
 */
export const HEALTH_FIELDS: readonly CatalogField[] = [
  field('uptime_s', 'system.operations', 'Seconds since the device agent started, to see that it runs.', {
    unit: 's',
    retentionDays: 30,
  }),
  field('seq', 'system.operations', 'A counter of heartbeat messages, to notice lost messages.', { retentionDays: 30 }),
];

const ANALYTICS = [OPS, 'analytics.reporting'];

/** The simulator's models (packages/sim/src/models), so the demo and earlier tests keep data. */
export const BUILTIN_CATALOGS: readonly ModelCatalog[] = [
  {
    model: 'thermostat',
    version: 1,
    title: 'Home thermostat',
    builtin: true,
    sensors: ['temperature', 'humidity'],
    recipients: [],
    fields: [
      field('temperature', 'user.device.telemetry', 'Room temperature, to run the heating.', {
        unit: '°C',
        purposes: ANALYTICS,
      }),
      field('humidity', 'user.device.telemetry', 'Room humidity, shown in the app.', {
        unit: '%',
        purposes: ANALYTICS,
      }),
      field('setpoint', 'user.behavior', 'The temperature you asked for, to run the heating.', { unit: '°C' }),
      field('heating', 'user.device.telemetry', 'Whether the heating is on.'),
    ],
  },
  {
    model: 'camera',
    version: 1,
    title: 'Security camera',
    builtin: true,
    sensors: ['image sensor', 'motion detector'],
    recipients: [],
    fields: [
      field('motion', 'user.behavior', 'Whether motion is seen now, to record and alert you.', {
        sensitivity: 'medium',
        retentionDays: 30,
      }),
      field('bitrate_kbps', 'system.operations', 'Video bitrate, to check the stream works.', { retentionDays: 30 }),
      field('fps', 'system.operations', 'Frames per second.', { retentionDays: 30 }),
      field('storage_used', 'system.operations', 'How full the recording storage is.', {
        unit: '%',
        retentionDays: 30,
      }),
    ],
  },
  {
    model: 'smart-plug',
    version: 1,
    title: 'Smart plug',
    builtin: true,
    sensors: ['power meter'],
    recipients: [],
    fields: [
      field('on', 'user.behavior', 'Whether the plug is switched on.'),
      field('power_w', 'user.device.telemetry', 'Power drawn now.', { unit: 'W', purposes: ANALYTICS }),
      field('voltage', 'system.operations', 'Mains voltage, to protect the appliance.', {
        unit: 'V',
        retentionDays: 30,
      }),
      field('current', 'user.device.telemetry', 'Current drawn now.', { unit: 'A', retentionDays: 30 }),
      field('energy_kwh', 'user.device.telemetry', 'Energy used so far, for your bill.', {
        unit: 'kWh',
        purposes: ANALYTICS,
        retentionDays: 365,
      }),
    ],
  },
  {
    model: 'industrial-sensor',
    version: 1,
    title: 'Industrial machine sensor',
    builtin: true,
    sensors: ['vibration', 'temperature', 'pressure'],
    recipients: [],
    fields: [
      field('vibration_rms', 'system.operations', 'Machine vibration, to detect wear.', {
        unit: 'mm/s',
        purposes: ANALYTICS,
        retentionDays: 365,
      }),
      field('temperature', 'system.operations', 'Machine temperature.', {
        unit: '°C',
        purposes: ANALYTICS,
        retentionDays: 365,
      }),
      field('pressure', 'system.operations', 'Line pressure.', {
        unit: 'bar',
        purposes: ANALYTICS,
        retentionDays: 365,
      }),
    ],
  },
];
