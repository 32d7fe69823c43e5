import { HEALTH_FIELDS, isEssential, type CatalogField, type ModelCatalog } from '../catalog/index.js';

/** Plain words for the fideslang keys a notice shows. */
const PURPOSE_WORDS: Readonly<Record<string, string>> = {
  'essential.service': 'to provide the service',
  'essential.service.operations': 'to make the device work',
  'essential.service.security': 'to keep the device secure',
  'essential.service.upgrades': 'to update the device',
  'analytics.reporting': 'for fleet statistics (with differential privacy)',
  'improve.system': 'to improve the product',
  'functional.service.improve': 'to improve the service',
  personalize: 'to personalise what you see',
  'marketing.advertising': 'for advertising',
  third_party_sharing: 'to share with others',
};

export function purposeWords(p: string): string {
  return PURPOSE_WORDS[p] ?? p;
}

export interface LabelRow {
  readonly field: string;
  readonly what: string;
  readonly category: string;
  readonly purposes: readonly string[];
  readonly needsConsent: boolean;
  readonly retention: string;
  readonly where: string;
  readonly sensitivity: CatalogField['sensitivity'];
}

/**
 * A two-layer label in the spirit of the CMU IoT Security & Privacy Label (Emami-Naeini et al.,
 * IEEE S&P 2021): the primary layer answers at a glance; the secondary layer has the details.
 */
export interface PrivacyLabel {
  readonly model: string;
  readonly title: string;
  readonly version: number;
  readonly primary: {
    readonly securityUpdatesUntil: string;
    readonly sensors: readonly string[];
    readonly dataCollected: readonly string[];
    readonly purposes: readonly string[];
    readonly retention: string;
    readonly sharedWith: readonly string[];
    readonly withdraw: string;
  };
  readonly secondary: readonly LabelRow[];
}

export function days(n: number): string {
  if (n === 0) return 'not kept';
  if (n % 365 === 0) return n === 365 ? '1 year' : `${n / 365} years`;
  return n === 1 ? '1 day' : `${n} days`;
}

export function buildLabel(catalog: ModelCatalog): PrivacyLabel {
  const fields = [...catalog.fields, ...HEALTH_FIELDS.filter((h) => !catalog.fields.some((f) => f.name === h.name))];
  const retentions = fields.filter((f) => f.storage === 'platform').map((f) => f.retentionDays);
  return {
    model: catalog.model,
    title: catalog.title,
    version: catalog.version,
    primary: {
      securityUpdatesUntil: catalog.securityUpdatesUntil ?? 'not declared by the maker',
      sensors: catalog.sensors,
      dataCollected: fields.map((f) => f.description),
      purposes: [...new Set(fields.flatMap((f) => f.purposes))].map(purposeWords),
      retention: retentions.length ? `${days(Math.min(...retentions))} to ${days(Math.max(...retentions))}` : 'none',
      sharedWith: catalog.recipients.length ? catalog.recipients : ['nobody beyond the operator of this platform'],
      withdraw: 'One step, any time: `fleetward privacy consent withdraw` or the API; it applies to the next message.',
    },
    secondary: fields.map((f) => ({
      field: f.name,
      what: f.description + (f.unit ? ` (${f.unit})` : ''),
      category: f.category,
      purposes: f.purposes,
      needsConsent: !f.essential || f.purposes.some((p) => !isEssential(p)),
      retention: f.storage === 'device' ? 'stays on the device' : days(f.retentionDays),
      where: f.storage === 'device' ? 'device only' : 'platform',
      sensitivity: f.sensitivity,
    })),
  };
}
