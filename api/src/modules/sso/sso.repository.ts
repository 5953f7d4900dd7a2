import type { EntityManager } from '@mikro-orm/postgresql';
import type pg from 'pg';
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

/** The user an IdP subject was linked to on this connection, if any. */
export async function linkedUserId(em: EntityManager, connectionId: string, subject: string): Promise<string | undefined> {
  const [link] = await em.execute<{ user_id: string }[]>('select user_id from sso_identities where connection_id = ? and subject = ?', [connectionId, subject]);
  return link?.user_id;
}

export async function linkIdentity(em: EntityManager, link: { connectionId: string; subject: string; tenantId: string; userId: string }): Promise<void> {
  await em.execute('insert into sso_identities (connection_id, subject, tenant_id, user_id) values (?, ?, ?, ?)', [
    link.connectionId,
    link.subject,
    link.tenantId,
    link.userId,
  ]);
}

export async function touchIdentity(em: EntityManager, connectionId: string, subject: string): Promise<void> {
  await em.execute('update sso_identities set last_login_at = now() where connection_id = ? and subject = ?', [connectionId, subject]);
}

/** A single-use code for the app's back end to exchange (POST /v1/sso/token). */
export async function insertCode(
  em: EntityManager,
  code: { hash: string; userId: string; tenantId: string; connectionId: string; redirectUri: string; challenge: string | null; ttlSeconds: number },
): Promise<void> {
  await em.execute(
    `insert into sso_codes (code_hash, user_id, tenant_id, connection_id, redirect_uri, code_challenge, expires_at)
     values (?, ?, ?, ?, ?, ?, now() + make_interval(secs => ?))`,
    [code.hash, code.userId, code.tenantId, code.connectionId, code.redirectUri, code.challenge, code.ttlSeconds],
  );
}

/** Retention, across tenants: SSO requests and codes a day after they expire, seen assertion ids once they do. */
export async function deleteExpiredFlowState(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(
    `with r as (delete from sso_requests where expires_at < now() - interval '1 day' returning 1),
          c as (delete from sso_codes where expires_at < now() - interval '1 day' returning 1),
          a as (delete from saml_assertion_ids where expires_at < now() returning 1)
     select (select count(*) from r) + (select count(*) from c) + (select count(*) from a) as n`,
  );
  return Number(rows[0]?.n ?? 0);
}
