import type { EntityManager } from '@mikro-orm/postgresql';
import { Tenant } from './tenants.entity.js';

/** The tenants module's read API for other modules: the given tenants that RLS lets the transaction see. */
export function visibleTenants(em: EntityManager, ids: string[]): Promise<Tenant[]> {
  return em.find(Tenant, { id: { $in: [...new Set(ids)] } });
}
