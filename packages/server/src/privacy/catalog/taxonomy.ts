/**
 * The fideslang keys the platform accepts (a subset of fideslang's data categories and data
 * uses, https://ethyca.github.io/fideslang/). A category or purpose outside this list is refused,
 * so a typo cannot silently widen what is collected.
 */
export const DATA_CATEGORIES: ReadonlySet<string> = new Set([
  'system.operations',
  'user.device',
  'user.device.device_id',
  'user.device.telemetry',
  'user.device.ip_address',
  'user.location',
  'user.location.precise',
  'user.location.imprecise',
  'user.health',
  'user.biometric',
  'user.behavior',
  'user.sensor',
  'user.content.self_image',
  'user.contact',
  'user.name',
]);

export const PURPOSES: ReadonlySet<string> = new Set([
  'essential.service',
  'essential.service.operations',
  'essential.service.security',
  'essential.service.upgrades',
  'analytics.reporting',
  'improve.system',
  'functional.service.improve',
  'personalize',
  'marketing.advertising',
  'third_party_sharing',
]);

/** CCPA/CPRA "sale or sharing": what a California owner opts out of. */
export const SALE_OR_SHARE: ReadonlySet<string> = new Set(['marketing.advertising', 'third_party_sharing']);

export function isEssential(purpose: string): boolean {
  return purpose === 'essential' || purpose.startsWith('essential.');
}

/** Sensitive personal information (CPRA §1798.140(ae)): precise location, health, biometrics. */
export function isSensitiveCategory(category: string): boolean {
  return (
    category === 'user.location.precise' || category.startsWith('user.health') || category.startsWith('user.biometric')
  );
}
