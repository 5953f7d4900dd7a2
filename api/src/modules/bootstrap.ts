import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { inTenant } from '../core/db/unit-of-work.js';
import { newId } from '../core/ids.js';
import { ensureRootKey } from './api-keys/api-keys.service.js';
import { buildTenant } from './tenants/tenants.service.js';

export interface BootstrapResult {
  platformTenantId: string;
  /** Set only when a root key was generated on this start: print it once, it is never shown again. */
  generatedRootKey?: string;
}

/** Ensures the platform tenant and the operator's root key, once, whichever process starts first. */
export async function bootstrap(orm: MikroORM, secret: string, rootKey: string | undefined, log: Logger): Promise<BootstrapResult> {
  return inTenant(orm, newId('tenant'), async (em) => {
    // Processes starting together (replicas, test workers) must not both create the platform.
    await em.execute('select pg_advisory_xact_lock(74230002)');
    const [row] = await em.execute<{ id: string | null }[]>('select plinth_platform_tenant() as id');
    const platformTenantId = row?.id ?? newId('tenant');
    await em.execute(`select set_config('app.tenant_id', ?, true)`, [platformTenantId]);
    em.setFilterParams('tenant', { tenantId: platformTenantId });
    if (!row?.id) {
      buildTenant(em, { id: platformTenantId, name: 'Platform', kind: 'platform' });
      await em.flush();
      log.info({ tenant_id: platformTenantId }, 'platform tenant created');
    }
    return { platformTenantId, generatedRootKey: await ensureRootKey(em, platformTenantId, secret, rootKey) };
  });
}
