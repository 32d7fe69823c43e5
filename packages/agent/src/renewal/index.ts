export { Renewer } from './renewer.js';
export type { RenewerOptions } from './renewer.js';
