import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { ALL_PERMISSIONS } from './auth/permissions.js';
import { keyedHash } from './auth/tokens.js';
import { inTenant } from './db/unit-of-work.js';
import { newId } from './ids.js';
import { ApiKey } from '../modules/api-keys/api-keys.entity.js';
import { newSecret } from '../modules/api-keys/api-keys.service.js';
import { Tenant } from '../modules/tenants/tenants.entity.js';

export interface BootstrapResult {
  platformTenantId: string;
  /** Set only when a root key was generated on this start: print it once, it is never shown again. */
  generatedRootKey?: string;
}

/**
 * Ensures the platform tenant and the operator's root key. With PLINTH_ROOT_KEY the root key is that
 * secret (a changed value replaces the old one); without it, one is generated on the very first start.
 */
export async function bootstrap(orm: MikroORM, secret: string, rootKey: string | undefined, log: Logger): Promise<BootstrapResult> {
  return inTenant(orm, newId('tenant'), async (em) => {
    // Processes starting together (replicas, test workers) must not both create the platform.
    await em.execute('select pg_advisory_xact_lock(74230002)');
    const [row] = await em.execute<{ id: string | null }[]>('select plinth_platform_tenant() as id');
    const platformTenantId = row?.id ?? newId('tenant');
    await em.execute(`select set_config('app.tenant_id', ?, true)`, [platformTenantId]);
    em.setFilterParams('tenant', { tenantId: platformTenantId });
    if (!row?.id) {
      em.persist(em.create(Tenant, { id: platformTenantId, name: 'Platform', kind: 'platform', parentId: null, path: [], status: 'active', metadata: {} }));
      await em.flush();
      log.info({ tenant_id: platformTenantId }, 'platform tenant created');
    }
    const roots = await em.find(ApiKey, { isRoot: true, revokedAt: null });
    const wantedHash = rootKey ? keyedHash(secret, rootKey) : undefined;
    if (wantedHash ? roots.some((k) => k.secretHash === wantedHash) : roots.length > 0) return { platformTenantId };
    for (const old of roots) old.revokedAt = new Date();
    const generated = rootKey ? undefined : newSecret('live');
    const value = rootKey ?? generated!;
    em.persist(
      em.create(ApiKey, {
        id: newId('apiKey'),
        tenantId: platformTenantId,
        name: 'Platform root key',
        mode: 'live',
        last4: value.slice(-4),
        secretHash: keyedHash(secret, value),
        scopes: [...ALL_PERMISSIONS],
        isRoot: true,
      }),
    );
    await em.flush();
    return { platformTenantId, generatedRootKey: generated };
  });
}
