/**
 * A data catalog: what a device model sends, under which fideslang data category, for which
 * purposes (fideslang data uses), how long it is kept and where (ETSI EN 303 645 provision 6-1;
 * GDPR Art. 5(1)(c) minimisation, 5(1)(e) storage limitation).
 */
export interface CatalogField {
  /** The telemetry field name, as the device sends it. */
  readonly name: string;
  /** Fideslang data category, e.g. `user.device.telemetry`, `user.location.precise`. */
  readonly category: string;
  /** Fideslang data uses, e.g. `essential.service.operations`, `analytics.reporting`. */
  readonly purposes: readonly string[];
  /** Needed for the device to work; must then list an `essential.*` purpose. */
  readonly essential: boolean;
  /** `high` marks sensitive personal information (CPRA "limit the use"): opt-in everywhere. */
  readonly sensitivity: 'low' | 'medium' | 'high';
  /** Days the platform keeps the value (0: not kept at all). */
  readonly retentionDays: number;
  /** `device`: the value never leaves the device; the platform drops it if sent. */
  readonly storage: 'device' | 'platform';
  /** Plain language, for the notice. */
  readonly description: string;
  readonly unit?: string;
  /** Precise location: rounded to `decimals` where only `user.location.imprecise` is consented. */
  readonly coarsen?: { readonly decimals: number };
}

export interface ModelCatalog {
  readonly model: string;
  /** Increases with every declared change; built-ins are version 1 until declared over. */
  readonly version: number;
  /** Plain-language name of the device kind. */
  readonly title: string;
  readonly fields: readonly CatalogField[];
  /** Who receives the data beyond the platform operator (empty: nobody). */
  readonly recipients: readonly string[];
  /** Sensors on the device, for the label. */
  readonly sensors: readonly string[];
  /** ISO date until which security updates are promised (ETSI EN 303 645 provision 5.3-13). */
  readonly securityUpdatesUntil?: string;
  readonly builtin?: boolean;
}

/** A catalog as declared over the API or a file: the server assigns version and model. */
export type CatalogDeclaration = Omit<ModelCatalog, 'model' | 'version' | 'builtin'>;
