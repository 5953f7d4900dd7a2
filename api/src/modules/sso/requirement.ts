import type { EntityManager } from '@mikro-orm/postgresql';
import { enterTenant, systemGrant } from '../../core/db/unit-of-work.js';
import { conflict } from '../../core/http/errors.js';
import { breakGlassOwners } from '../members/index.js';
import type { SsoRequirement } from '../tenants/index.js';
import { activeConnectionCount } from './sso.repository.js';

/** Requiring SSO must not lock the tenant out: an active connection, and a break-glass owner. */
export const ssoRequirement: SsoRequirement = {
  async assertCanRequire(em: EntityManager, tenantId: string, actingTenantId: string): Promise<void> {
    await enterTenant(em, systemGrant(tenantId, 'the caller holds tenants:write on this tenant or an ancestor of it'));
    const connections = await activeConnectionCount(em);
    const owners = await breakGlassOwners(em);
    await enterTenant(em, systemGrant(actingTenantId, 'back to the tenant the caller acts in'));
    if (!connections) throw conflict('sso_connection_required', 'Create an active SSO connection (POST /v1/sso/connections) before requiring SSO.');
    if (!owners) {
      throw conflict(
        'break_glass_owner_required',
        'At least one owner must have two-factor authentication before SSO is required: they keep password access if the identity provider fails.',
      );
    }
  },
};
