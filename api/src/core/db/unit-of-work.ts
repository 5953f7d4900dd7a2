import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';

/**
 * One transaction per use case, with the tenant set for row-level security (`set_config(..., true)`
 * lasts until the transaction ends) and for the ORM's tenant filter. Everything a use case writes
 * commits or rolls back together.
 */
export async function inTenant<T>(orm: MikroORM, tenantId: string, work: (em: EntityManager) => Promise<T>): Promise<T> {
  const em = orm.em.fork({ clear: true, useContext: false });
  em.setFilterParams('tenant', { tenantId });
  return em.transactional(async (tx) => {
    await tx.execute(`select set_config('app.tenant_id', ?, true)`, [tenantId]);
    return work(tx);
  });
}

/** A transaction with no tenant set, for user-owned identity rows: RLS then shows no tenant-owned row. */
export async function inIdentity<T>(orm: MikroORM, work: (em: EntityManager) => Promise<T>): Promise<T> {
  const em = orm.em.fork({ clear: true, useContext: false });
  em.setFilterParams('tenant', { tenantId: '' });
  return em.transactional(work);
}

/** Sets the tenant for the rest of a transaction opened with `inIdentity` (to record events in it). */
export async function enterTenant(em: EntityManager, tenantId: string): Promise<void> {
  em.setFilterParams('tenant', { tenantId });
  await em.execute(`select set_config('app.tenant_id', ?, true)`, [tenantId]);
}
