export { ingestTelemetry } from './ingest.js';
export type { IngestOptions, IngestResult } from './ingest.js';
export { listTelemetry } from './query.js';
export type { TelemetryQuery, TelemetryRow } from './query.js';
export { telemetryRoutes } from './routes.js';
export { TelemetryWriter } from './writer.js';
export type { TelemetryWriterOptions } from './writer.js';
