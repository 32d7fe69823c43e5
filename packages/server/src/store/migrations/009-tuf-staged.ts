import type { Migration } from './index.js';

/**
 * Offline targets signing (issue 5 §3, decision 0007): an image published while the targets key
 * is offline is stored as a staged target, served nowhere in signed metadata until targets
 * metadata signed outside the server names it.
 */
export const tufStaged: Migration = {
  version: 9,
  name: 'tuf-staged',
  statements: [`alter table tuf_targets add column staged boolean not null default false`],
};
