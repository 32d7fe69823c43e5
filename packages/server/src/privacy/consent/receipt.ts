/**
 * A consent record in the shape of ISO/IEC TS 27560:2023 (consent record information
 * structure; field names follow the DPV mapping of the W3C DPVCG "Consent Records" guide):
 * who (subject, by pseudonymous reference), which controller, what processing (purpose, data
 * categories), the state, when, through which notice version and by which mechanism.
 */
export interface ConsentReceipt {
  readonly schema_version: 'ISO/IEC TS 27560:2023';
  readonly record_id: string;
  readonly data_subject: { readonly id: string };
  readonly data_controller: { readonly name: string };
  readonly processing: {
    readonly purpose: string;
    readonly personal_data: readonly string[];
    readonly device: string;
  };
  readonly consent: {
    readonly state: 'given' | 'withdrawn';
    readonly timestamp: string;
    readonly notice: { readonly id: string; readonly version: number };
    readonly mechanism: string;
    readonly jurisdiction: string;
    readonly legal_basis: 'GDPR Art. 6(1)(a)' | 'CCPA opt-out';
  };
}

export function buildReceipt(input: {
  recordId: string;
  subjectRef: string;
  controller: string;
  purpose: string;
  categories: readonly string[];
  device: string;
  state: 'given' | 'withdrawn';
  at: Date;
  model: string;
  noticeVersion: number;
  mechanism: string;
  region: string;
  optOut: boolean;
}): ConsentReceipt {
  return {
    schema_version: 'ISO/IEC TS 27560:2023',
    record_id: input.recordId,
    data_subject: { id: input.subjectRef },
    data_controller: { name: input.controller },
    processing: { purpose: input.purpose, personal_data: input.categories, device: input.device },
    consent: {
      state: input.state,
      timestamp: input.at.toISOString(),
      notice: { id: `/privacy/${input.model}`, version: input.noticeVersion },
      mechanism: input.mechanism,
      jurisdiction: input.region,
      legal_basis: input.optOut ? 'CCPA opt-out' : 'GDPR Art. 6(1)(a)',
    },
  };
}
