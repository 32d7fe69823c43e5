export { createAuditLog } from './log.js';
export type { AuditPage, StoredAuditLog } from './log.js';
export { verifyAuditLog } from './verify.js';
export type { AuditBreak, AuditVerification } from './verify.js';
export { auditRoutes } from './routes.js';
export { canonicalJson, chainHash, GENESIS_HASH } from './canonical.js';
export type { AuditRecord } from './row.js';
export { AUDIT_ERRORS } from './errors.js';
export type { AuditErrorCode } from './errors.js';
