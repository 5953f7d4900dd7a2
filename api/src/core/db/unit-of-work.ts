import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';

declare const granted: unique symbol;

/**
 * Proof that a use case may act in a tenant: `authorize(ctx, permission)` returns one, and so does
 * `systemGrant(tenantId, reason)` for work no caller's permission covers (jobs, sign-in before there is
 * a principal). `inTenant` takes nothing else, so a service method that skips authorization does not
 * compile (see test/types/authorization.test-d.ts).
 */
export interface Grant {
  readonly tenantId: string;
  readonly [granted]: true;
}

/** Acting as Plinth itself, with the reason written where it happens. */
export function systemGrant(tenantId: string, reason: string): Grant {
  void reason; // the reason is for the reader and for grep: every system grant says why it is one
  return { tenantId } as Grant;
}

/**
 * One transaction per use case, with the tenant set for row-level security (`set_config(..., true)`
 * lasts until the transaction ends) and for the ORM's tenant filter. Everything a use case writes
 * commits or rolls back together.
 */
export async function inTenant<T>(orm: MikroORM, grant: Grant, work: (em: EntityManager) => Promise<T>): Promise<T> {
  const { tenantId } = grant;
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
export async function enterTenant(em: EntityManager, grant: Grant): Promise<void> {
  const { tenantId } = grant;
  em.setFilterParams('tenant', { tenantId });
  await em.execute(`select set_config('app.tenant_id', ?, true)`, [tenantId]);
}
