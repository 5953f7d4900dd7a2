import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { inTenant, systemGrant } from './db/unit-of-work.js';
import { newId } from './ids.js';
import type { Registry } from './module.js';

export interface BootstrapResult {
  platformTenantId: string;
  /** Set only when a root key was generated on this start: print it once, it is never shown again. */
  generatedRootKey?: string;
}

/**
 * Ensures the platform exists, once, whichever process starts first: one transaction in the platform
 * tenant in which each module's `bootstrap` hook runs, in registry order (the tenant before its keys).
 */
export async function bootstrap(registry: Registry, orm: MikroORM, config: Pick<Config, 'secret' | 'rootKey'>, log: Logger): Promise<BootstrapResult> {
  return inTenant(orm, systemGrant(newId('tenant'), 'bootstrap: the platform tenant may not exist yet'), async (em) => {
    // Processes starting together (replicas, test workers) must not both create the platform.
    await em.execute('select pg_advisory_xact_lock(74230002)');
    const [row] = await em.execute<{ id: string | null }[]>('select plinth_platform_tenant() as id');
    const platformTenantId = row?.id ?? newId('tenant');
    await em.execute(`select set_config('app.tenant_id', ?, true)`, [platformTenantId]);
    em.setFilterParams('tenant', { tenantId: platformTenantId });
    const result: BootstrapResult = { platformTenantId };
    for (const m of registry.modules) {
      const out = await m.bootstrap?.(em, { platformTenantId, permissions: registry.permissions, created: !row?.id, config, log });
      if (out?.generatedRootKey) result.generatedRootKey = out.generatedRootKey;
    }
    return result;
  });
}
