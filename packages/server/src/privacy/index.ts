// The privacy capability's only door (issue 7).
export { Privacy } from './service.js';
export type { PrivacyOptions } from './service.js';
export { privacyRoutes } from './routes/index.js';
export { PRIVACY_ERRORS, privacyError } from './errors.js';
export type { PrivacyErrorCode } from './errors.js';
export { BUILTIN_CATALOGS, HEALTH_FIELDS } from './catalog/index.js';
export type { CatalogDeclaration, CatalogField, ModelCatalog } from './catalog/index.js';
export type { ConsentProfile, ConsentReceipt, Owner } from './consent/index.js';
export { discreteLaplace, discreteLaplaceMoments } from './aggregate/index.js';
export type { AggregateQuery, AggregateResult, UniformSource } from './aggregate/index.js';
export type { DropCount } from './minimize/index.js';
export type { RetentionEvidence } from './retention/index.js';
export type { ErasureReport, SubjectExport } from './dsr/index.js';
export { buildLabel, renderHtml, renderMarkdown } from './notice/index.js';
export type { PrivacyLabel } from './notice/index.js';
