export { ProgressBar, StatusLine } from './progress.js';
export type { ProgressStream } from './progress.js';
