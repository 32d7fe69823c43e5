import { privacyError } from '../errors.js';
import { DATA_CATEGORIES, isEssential, PURPOSES } from './taxonomy.js';
import type { CatalogDeclaration, CatalogField } from './types.js';

const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;
const MAX_RETENTION_DAYS = 3650;

function bad(message: string): never {
  throw privacyError('FW_PRIVACY_CATALOG_INVALID', message);
}

function checkField(f: CatalogField): void {
  if (!FIELD_NAME.test(f.name)) bad(`field name ${JSON.stringify(f.name)} is not a telemetry field name`);
  if (!DATA_CATEGORIES.has(f.category)) bad(`${f.name}: unknown data category ${f.category}`);
  if (f.purposes.length === 0) bad(`${f.name}: at least one purpose`);
  for (const p of f.purposes) if (!PURPOSES.has(p)) bad(`${f.name}: unknown purpose ${p}`);
  if (f.essential && !f.purposes.some(isEssential)) bad(`${f.name}: an essential field needs an essential.* purpose`);
  if (!Number.isInteger(f.retentionDays) || f.retentionDays < 0 || f.retentionDays > MAX_RETENTION_DAYS) {
    bad(`${f.name}: retentionDays must be an integer 0..${MAX_RETENTION_DAYS}`);
  }
  if (f.coarsen) {
    if (f.category !== 'user.location.precise') bad(`${f.name}: only precise location can be coarsened`);
    if (!Number.isInteger(f.coarsen.decimals) || f.coarsen.decimals < 0 || f.coarsen.decimals > 4) {
      bad(`${f.name}: coarsen.decimals must be 0..4`);
    }
  }
}

/** Refuses a catalog that could widen collection by mistake (FW_PRIVACY_CATALOG_INVALID). */
export function validateCatalog(decl: CatalogDeclaration): void {
  const seen = new Set<string>();
  for (const f of decl.fields) {
    if (seen.has(f.name)) bad(`field ${f.name} declared twice`);
    seen.add(f.name);
    checkField(f);
  }
  if (decl.securityUpdatesUntil !== undefined && Number.isNaN(Date.parse(decl.securityUpdatesUntil))) {
    bad('securityUpdatesUntil must be an ISO date');
  }
}

/** JSON schema of a declaration, for the API and for files. */
export const catalogDeclarationSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['title', 'fields'],
  properties: {
    title: { type: 'string', minLength: 1, maxLength: 200 },
    recipients: { type: 'array', maxItems: 50, items: { type: 'string', minLength: 1, maxLength: 200 }, default: [] },
    sensors: { type: 'array', maxItems: 50, items: { type: 'string', minLength: 1, maxLength: 100 }, default: [] },
    securityUpdatesUntil: { type: 'string', format: 'date' },
    fields: {
      type: 'array',
      maxItems: 64,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'category', 'purposes', 'essential', 'retentionDays', 'description'],
        properties: {
          name: { type: 'string', maxLength: 64 },
          category: { type: 'string', maxLength: 100 },
          purposes: { type: 'array', minItems: 1, maxItems: 10, items: { type: 'string', maxLength: 100 } },
          essential: { type: 'boolean' },
          sensitivity: { type: 'string', enum: ['low', 'medium', 'high'], default: 'low' },
          retentionDays: { type: 'integer', minimum: 0, maximum: MAX_RETENTION_DAYS },
          storage: { type: 'string', enum: ['device', 'platform'], default: 'platform' },
          description: { type: 'string', minLength: 1, maxLength: 500 },
          unit: { type: 'string', maxLength: 20 },
          coarsen: {
            type: 'object',
            additionalProperties: false,
            required: ['decimals'],
            properties: { decimals: { type: 'integer', minimum: 0, maximum: 4 } },
          },
        },
      },
    },
  },
} as const;
