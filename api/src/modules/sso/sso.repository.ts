import type { EntityManager } from '@mikro-orm/postgresql';
import type pg from 'pg';
import type { PendingRequest } from './sign-in.js';
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

/** Replaces the domains that route to a connection with its current list. */
export async function replaceConnectionDomains(em: EntityManager, conn: SsoConnection): Promise<void> {
  await em.execute('delete from sso_domains where connection_id = ?', [conn.id]);
  for (const domain of conn.domains) {
    await em.execute('insert into sso_domains (domain, connection_id, tenant_id) values (?, ?, ?)', [domain, conn.id, conn.tenantId]);
  }
}

// ---- the sign-in flow's state: requests, codes and seen assertions (no tenant is set) ----

/** A sign-in Plinth started at the IdP; the OIDC verifier is stored sealed. */
export async function insertRequest(
  em: EntityManager,
  r: {
    id: string;
    connectionId: string;
    tenantId: string;
    redirectUri: string;
    state: string | null;
    challenge: string | null;
    nonce: string | null;
    verifierEnc: string | null;
    expiresAt: Date;
  },
): Promise<void> {
  await em.execute(
    `insert into sso_requests (id, connection_id, tenant_id, redirect_uri, state, code_challenge, nonce, code_verifier_enc, expires_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [r.id, r.connectionId, r.tenantId, r.redirectUri, r.state, r.challenge, r.nonce, r.verifierEnc, r.expiresAt],
  );
}

/** Where a pending sign-in returns to, consumed or not. */
export async function pendingRequest(em: EntityManager, id: string): Promise<PendingRequest | undefined> {
  const [row] = await em.execute<PendingRequest[]>('select redirect_uri, state, code_challenge from sso_requests where id = ?', [id]);
  return row;
}

/** When a live (unconsumed, unexpired) request of this connection was made. */
export async function liveRequestCreatedAt(em: EntityManager, id: string, connectionId: string): Promise<Date | undefined> {
  const [row] = await em.execute<{ created_at: Date }[]>(
    'select created_at from sso_requests where id = ? and connection_id = ? and consumed_at is null and expires_at > now()',
    [id, connectionId],
  );
  return row?.created_at;
}

/** Marks an unconsumed request of this connection consumed; its id, or undefined when there was none. */
export async function consumeRequest(em: EntityManager, id: string, connectionId: string): Promise<string | undefined> {
  const rows = await em.execute<{ id: string }[]>(
    'update sso_requests set consumed_at = now() where id = ? and connection_id = ? and consumed_at is null returning id',
    [id, connectionId],
  );
  return rows[0]?.id;
}

/** A request's state whatever it is, to tell a replay from an expired or unknown request. */
export async function requestState(em: EntityManager, id: string, connectionId: string): Promise<{ consumed_at: Date | null; expires_at: Date } | undefined> {
  const [row] = await em.execute<{ consumed_at: Date | null; expires_at: Date }[]>(
    'select consumed_at, expires_at from sso_requests where id = ? and connection_id = ?',
    [id, connectionId],
  );
  return row;
}

/** Consumes a live OIDC request (the state) of this connection, returning what the callback needs. */
export async function claimOidcRequest(
  em: EntityManager,
  state: string,
  connectionId: string,
): Promise<(PendingRequest & { nonce: string; code_verifier_enc: string }) | undefined> {
  const [claimed] = await em.execute<(PendingRequest & { nonce: string; code_verifier_enc: string })[]>(
    `update sso_requests set consumed_at = now()
            where id = ? and connection_id = ? and consumed_at is null and expires_at > now()
        returning redirect_uri, state, code_challenge, nonce, code_verifier_enc`,
    [state, connectionId],
  );
  return claimed;
}

/** Remembers a SAML assertion id until it expires; false when it was already seen (a replay). */
export async function claimAssertionId(em: EntityManager, connectionId: string, assertionId: string, expiresAt: Date): Promise<boolean> {
  const fresh = await em.execute<{ assertion_id: string }[]>(
    'insert into saml_assertion_ids (connection_id, assertion_id, expires_at) values (?, ?, ?) on conflict do nothing returning assertion_id',
    [connectionId, assertionId, expiresAt],
  );
  return fresh.length > 0;
}

/** Uses a live single-use code (by its keyed hash), returning the sign-in it stands for. */
export async function claimCode(
  em: EntityManager,
  hash: string,
): Promise<{ user_id: string; tenant_id: string; connection_id: string; code_challenge: string | null } | undefined> {
  const [row] = await em.execute<{ user_id: string; tenant_id: string; connection_id: string; code_challenge: string | null }[]>(
    `update sso_codes set used_at = now() where code_hash = ? and used_at is null and expires_at > now()
      returning user_id, tenant_id, connection_id, code_challenge`,
    [hash],
  );
  return row;
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
