import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261122000001_kernel } from './Migration20261122000001_kernel.js';
import { Migration20261122000002_events } from './Migration20261122000002_events.js';
import { Migration20261122000003_mfa } from './Migration20261122000003_mfa.js';
import { Migration20261122000004_mfa_policy } from './Migration20261122000004_mfa_policy.js';
import { Migration20261122000005_suspended_ancestors } from './Migration20261122000005_suspended_ancestors.js';
import { Migration20261122000006_sso } from './Migration20261122000006_sso.js';

/** Explicit list: no dynamic imports of migration files (works the same under tsc, swc and jest). */
export const migrations: MigrationObject[] = [
  { name: 'Migration20261122000001_kernel', class: Migration20261122000001_kernel },
  { name: 'Migration20261122000002_events', class: Migration20261122000002_events },
  { name: 'Migration20261122000003_mfa', class: Migration20261122000003_mfa },
  { name: 'Migration20261122000004_mfa_policy', class: Migration20261122000004_mfa_policy },
  { name: 'Migration20261122000005_suspended_ancestors', class: Migration20261122000005_suspended_ancestors },
  { name: 'Migration20261122000006_sso', class: Migration20261122000006_sso },
];
