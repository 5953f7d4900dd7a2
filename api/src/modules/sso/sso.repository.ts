import type { EntityManager } from '@mikro-orm/postgresql';
import { SsoConnection } from './sso.entity.js';

/** The SSO module's read API for other modules. */
export function activeConnectionCount(em: EntityManager): Promise<number> {
  return em.count(SsoConnection, { status: 'active' });
}

/** The tenant owning a connection, looked up before any tenant is set (SECURITY DEFINER). */
export async function tenantOfConnection(em: EntityManager, connectionId: string): Promise<string | undefined> {
  const [row] = await em.execute<{ tenant_id: string | null }[]>('select plinth_sso_connection_tenant(?) as tenant_id', [connectionId]);
  return row?.tenant_id ?? undefined;
}

export async function connectionForDomain(em: EntityManager, domain: string): Promise<{ connection_id: string; tenant_id: string } | undefined> {
  const [row] = await em.execute<{ connection_id: string; tenant_id: string }[]>('select * from plinth_sso_connection_for_domain(?)', [domain]);
  return row;
}
