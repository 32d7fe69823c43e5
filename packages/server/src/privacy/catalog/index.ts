export { BUILTIN_CATALOGS, HEALTH_FIELDS } from './builtin.js';
export { CatalogRegistry } from './registry.js';
export type { EffectiveCatalog } from './registry.js';
export { DATA_CATEGORIES, PURPOSES, SALE_OR_SHARE, isEssential, isSensitiveCategory } from './taxonomy.js';
export type { CatalogDeclaration, CatalogField, ModelCatalog } from './types.js';
export { catalogDeclarationSchema, validateCatalog } from './validate.js';
