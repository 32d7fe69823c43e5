export { pseudonymousDataset } from './dataset.js';
export type { DatasetQuery, DatasetRow } from './dataset.js';
export { Pseudonyms } from './pseudonyms.js';
