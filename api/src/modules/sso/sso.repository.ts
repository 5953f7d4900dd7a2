import type { EntityManager } from '@mikro-orm/postgresql';
import { SsoConnection } from './sso.entity.js';

/** Queries of the SSO module's connections; those exported by index.ts are other modules' read API (SCIM's role mapping). */
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

/** The role a connection's group mapping gives an identity-provider group (case-insensitive), across the tenant's connections. */
export async function connectionGroupRole(em: EntityManager, group: string): Promise<string | undefined> {
  const lower = group.toLowerCase();
  for (const conn of await em.find(SsoConnection, {})) {
    const hit = conn.groupRoles.find((g) => g.group.toLowerCase() === lower);
    if (hit) return hit.role;
  }
  return undefined;
}

/** The default role of the tenant's first active connection: what provisioned people get without a group. */
export async function defaultConnectionRole(em: EntityManager): Promise<string | undefined> {
  const [conn] = await em.find(SsoConnection, { status: 'active' }, { orderBy: { id: 'asc' }, limit: 1 });
  return conn?.defaultRole;
}
