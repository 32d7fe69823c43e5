export { buildFleetward } from './build.js';
export type { BuildDeps, Fleetward } from './build.js';
export { configFrom, DEFAULTS } from './config.js';
export type { ServerConfig } from './config.js';
export { startServer } from './start.js';
export type { FirstRunSecrets, RunningFleetward } from './start.js';
export { jsonLogger } from './logger.js';
export { SERVER_CATALOGUES } from './catalogue.js';
