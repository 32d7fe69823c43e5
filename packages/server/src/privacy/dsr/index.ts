export { eraseSubject, exportSubject } from './dsr.js';
export type { ErasureReport, SubjectExport } from './dsr.js';
