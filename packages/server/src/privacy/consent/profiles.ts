import { isEssential, isSensitiveCategory, SALE_OR_SHARE, type CatalogField } from '../catalog/index.js';

/**
 * How silence is read, per region. `opt-in` (GDPR Art. 6/7, UK GDPR): nothing beyond essential
 * without a consent given. `opt-out` (CCPA/CPRA, California): non-essential uses of
 * non-sensitive data until the owner opts out, but sale/share and every use of sensitive
 * personal information beyond the essential need a consent given (§1798.121 "limit the use";
 * the stricter reading, so a default is never less private than the law asks).
 */
export type ConsentProfile = 'opt-in' | 'opt-out';

export const REGION_PROFILES: Readonly<Record<string, ConsentProfile>> = {
  EU: 'opt-in',
  EEA: 'opt-in',
  UK: 'opt-in',
  'US-CA': 'opt-out',
};

/** Region codes: EU, EEA, UK, an ISO 3166-1 alpha-2 country, or country-subdivision (US-CA). */
export const REGION_PATTERN = /^[A-Z]{2,3}(-[A-Z0-9]{1,3})?$/;

export function profileFor(region: string | undefined, fallback: ConsentProfile): ConsentProfile {
  return (region && REGION_PROFILES[region]) || fallback;
}

/** The newest consent event of one purpose for one owner and device. */
export interface ConsentState {
  readonly state: 'given' | 'withdrawn';
  /** When set, the consent covers only these data categories (e.g. `user.location.imprecise`). */
  readonly categories: readonly string[] | null;
}

/** What may be kept of one field for one purpose: all of it, a coarsened value, or nothing. */
export type Permission = 'full' | 'coarse' | 'none';

/** Decides one purpose for one field under a profile and the owner's consent (if any). */
export function permission(
  field: CatalogField,
  purpose: string,
  profile: ConsentProfile,
  consent: ConsentState | undefined,
): Permission {
  if (isEssential(purpose) && field.essential) return 'full';
  if (consent?.state === 'withdrawn') return 'none';
  if (consent?.state === 'given') return scope(field, consent.categories);
  const sensitive = field.sensitivity === 'high' || isSensitiveCategory(field.category);
  if (profile === 'opt-out' && !sensitive && !SALE_OR_SHARE.has(purpose)) return 'full';
  return 'none';
}

function scope(field: CatalogField, categories: readonly string[] | null): Permission {
  if (categories === null || categories.includes(field.category)) return 'full';
  if (field.coarsen && field.category === 'user.location.precise' && categories.includes('user.location.imprecise')) {
    return 'coarse';
  }
  return 'none';
}
