export { enrollDevice, reenrollDevice } from './enroll.js';
export type { EnrollOptions, EnrollResult, ReenrollOptions } from './enroll.js';
export { DEVICE_FILES, replaceFile } from './files.js';
