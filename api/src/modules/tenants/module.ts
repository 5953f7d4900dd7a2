import type { EntityManager } from '@mikro-orm/postgresql';
import { defineModule } from '../../core/module.js';
import type { PermissionsOf } from '../../core/auth/permissions.js';
import { Migration20261122000001_kernel } from '../../migrations/Migration20261122000001_kernel.js';
import { Migration20261122000005_suspended_ancestors } from '../../migrations/Migration20261122000005_suspended_ancestors.js';
import { Migration20261202000001_rls } from '../../migrations/Migration20261202000001_rls.js';
import { Tenant } from './tenants.entity.js';
import { tenantEvents } from './tenants.events.js';
import { buildTenant, TenantsService } from './tenants.service.js';

const permissions = {
  'tenants:read': { description: 'View this tenant and the tenants below it.', grants: ['owner', 'admin', 'developer', 'member', 'viewer', 'billing'] },
  'tenants:write': { description: 'Create, update, suspend and resume tenants below this one.', grants: ['owner', 'admin'] },
} as const;

declare module '../../core/auth/permissions.js' {
  interface Permissions extends PermissionsOf<typeof permissions> {}
}

/**
 * The rule for `sso_required`, owned by the SSO module: requiring SSO must not lock a tenant out.
 * Throws a 409 saying what is missing.
 */
export interface SsoRequirement {
  assertCanRequire(em: EntityManager, tenantId: string, actingTenantId: string): Promise<void>;
}

export const tenantsModule = defineModule({
  name: 'tenants',
  permissions,
  tags: [{ name: 'Tenants', description: 'The tenant hierarchy: platform, resellers and their tenants; suspension.' }],
  entities: [Tenant],
  // The kernel migration predates modules: it creates the first tables of several of them, and the RLS
  // migration moved all of them to the one idiom of core/db/rls.ts. New migrations belong to one module.
  migrations: [
    { name: 'Migration20261122000001_kernel', class: Migration20261122000001_kernel },
    { name: 'Migration20261122000005_suspended_ancestors', class: Migration20261122000005_suspended_ancestors },
    { name: 'Migration20261202000001_rls', class: Migration20261202000001_rls },
  ],
  events: tenantEvents,
  needs: ['ssoRequirement'],
  services: (deps, ports: { ssoRequirement: SsoRequirement }) => ({ tenants: new TenantsService(deps, ports.ssoRequirement) }),
  async bootstrap(em, boot) {
    if (!boot.created) return;
    buildTenant(em, { id: boot.platformTenantId, name: 'Platform', kind: 'platform' });
    await em.flush();
    boot.log.info({ tenant_id: boot.platformTenantId }, 'platform tenant created');
  },
});

export type TenantsServices = { tenants: TenantsService };
