import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { keyedHash, randomToken } from '../../core/auth/tokens.js';
import type { Deps } from '../../core/deps.js';
import { inIdentity, inTenant, systemGrant } from '../../core/db/unit-of-work.js';
import { record, type Origin } from '../../core/events/record.js';
import { ApiError, forbidden, unauthorized, unprocessable } from '../../core/http/errors.js';
import { isId } from '../../core/ids.js';
import { type AuthTokens, type AuthService, type Client } from '../auth/index.js';
import { change } from '../../core/events/change.js';
import { type MembersService } from '../members/index.js';
import { visibleTenants } from '../tenants/index.js';
import type { SsoConnectionsService } from './connections.service.js';
import { signInRecord, SignInCompletion, type PendingRequest } from './sign-in.js';
import { PgRequestStore, REQUEST_TTL_MS, SsoFailure, samlEngine, spEndpoints, validateSamlResponse } from './saml.js';
import type { SamlAcsForm, SsoTokenRequest } from './sso.dto.js';
import { SsoConnection } from './sso.entity.js';

import { claimAssertionId, claimCode, claimOidcRequest, connectionForDomain, insertRequest, pendingRequest, tenantOfConnection } from './sso.repository.js';

export interface AuthorizeQuery {
  connection?: string;
  email?: string;
  tenant?: string;
  redirect_uri: string;
  state?: string;
  code_challenge?: string;
  code_challenge_method?: string;
}

/** What the IdP told us about the user, before it is mapped to a Plinth user. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PKCE = /^[A-Za-z0-9_-]{43,128}$/;

const fail = (status: number, code: string, detail: string) => new SsoFailure(status, code, detail);

/**
 * The headless SSO flow, as WorkOS runs it: `authorize` redirects to the IdP; the IdP comes back to
 * the ACS (SAML) or the callback (OIDC); Plinth provisions the user just in time and redirects to the
 * tenant's allowed `redirect_uri` with a single-use code; `token` trades the code for a session.
 * Every refusal after the connection is known is recorded as `sso.login.failed` with its reason.
 */
export class SsoService {
  private readonly signIn: SignInCompletion;

  constructor(
    private readonly deps: Deps,
    private readonly connections: SsoConnectionsService,
    members: MembersService,
    private readonly auth: AuthService,
  ) {
    this.signIn = new SignInCompletion(deps, members, auth);
  }

  /** Returns the identity provider URL to redirect the browser to. */
  async authorize(client: Client, q: AuthorizeQuery): Promise<string> {
    await this.deps.limits.consume('sso_authorize', client.ip ?? 'unknown', 120);
    const selectors = [q.connection, q.email, q.tenant].filter((v) => v !== undefined);
    if (selectors.length !== 1) {
      throw unprocessable('invalid_sso_selector', 'Give exactly one of connection, email or tenant to choose the SSO connection.', [
        { path: 'connection', message: 'give exactly one of connection, email, tenant' },
      ]);
    }
    if (q.code_challenge !== undefined && (q.code_challenge_method ?? 'S256') !== 'S256') {
      throw unprocessable('invalid_code_challenge', 'Only the S256 code challenge method is supported.', [
        { path: 'code_challenge_method', message: 'must be S256' },
      ]);
    }
    if (q.code_challenge !== undefined && !PKCE.test(q.code_challenge)) {
      throw unprocessable('invalid_code_challenge', 'code_challenge must be the base64url SHA-256 of your code verifier (43 characters).', [
        { path: 'code_challenge', message: 'must be 43 to 128 base64url characters' },
      ]);
    }
    const { connectionId, tenantId } = await this.choose(q);
    return inTenant(this.deps.orm, systemGrant(tenantId, 'SSO sign-in starts before there is a principal'), async (em) => {
      const conn = connectionId ? await this.connections.find(em, connectionId) : await this.onlyConnection(em, tenantId);
      if (conn.status !== 'active') throw forbidden('This SSO connection is inactive; ask your administrator to turn it on.', 'sso_connection_inactive');
      const [tenant] = await visibleTenants(em, [tenantId]);
      if (!tenant?.ssoRedirectUris.includes(q.redirect_uri)) {
        throw unprocessable(
          'redirect_uri_not_allowed',
          `redirect_uri is not on this tenant's allow-list; add it with PATCH /v1/tenants/${tenantId} (sso_redirect_uris).`,
          [{ path: 'redirect_uri', message: 'must be one of the tenant’s sso_redirect_uris, exactly' }],
        );
      }
      await this.assertNotBlocked(em, tenantId);
      const expiresAt = new Date(Date.now() + REQUEST_TTL_MS);
      if (conn.type === 'saml') {
        const id = `_${randomToken(32)}`;
        await this.insertRequest(em, { id, conn, redirectUri: q.redirect_uri, state: q.state, challenge: q.code_challenge, expiresAt });
        const sp = spEndpoints(this.connections.baseUrl, conn.id);
        return (await samlEngine(conn, sp, new PgRequestStore(em, conn.id), id)).getAuthorizeUrlAsync(id, undefined, {});
      }
      // The OIDC state names the connection, so a refused callback is still attributed to its tenant.
      const id = `${conn.id}.${randomToken(32)}`;
      const nonce = randomToken(32);
      const verifier = randomToken(64);
      await this.insertRequest(em, { id, conn, redirectUri: q.redirect_uri, state: q.state, challenge: q.code_challenge, expiresAt, nonce, verifier });
      return this.connections.oidc.authorizationUrl(conn.id, conn.oidc!, {
        redirectUri: this.connections.oidcRedirectUri,
        state: id,
        nonce,
        codeVerifier: verifier,
        loginHint: q.email,
      });
    });
  }

  /** The SAML assertion consumer service. Returns where to redirect the browser. */
  async samlAcs(client: Client, connectionId: string, form: SamlAcsForm): Promise<string> {
    const tenantId = isId('ssoConnection', connectionId) ? await tenantOfConnection(this.deps.orm.em.fork(), connectionId) : undefined;
    if (!tenantId) throw new ApiError(404, 'not_found', 'Not Found', `No SSO connection '${connectionId}'.`);
    return this.attempt(client, tenantId, connectionId, 'saml', async (seen) => {
      const conn = await this.activeConnection(tenantId, connectionId, 'saml');
      const sp = spEndpoints(this.connections.baseUrl, conn.id);
      const { asserted, request } = await inIdentity(this.deps.orm, async (em) => {
        const identity = await validateSamlResponse(conn, sp, new PgRequestStore(em, conn.id), form);
        const fresh = await claimAssertionId(em, conn.id, identity.assertionId, identity.expiresAt);
        if (!fresh) throw fail(401, 'saml_replayed', 'This assertion was already used to sign in; start a new sign-in.');
        const request = identity.inResponseTo ? await pendingRequest(em, identity.inResponseTo) : undefined;
        return { asserted: { subject: identity.subject, attributes: { ...identity.attributes, nameID: identity.nameId } }, request };
      });
      return this.signIn.complete(client, conn, asserted, request ?? (await this.idpInitiated(tenantId, form.RelayState)), seen);
    });
  }

  /** The OIDC redirect URI. Returns where to redirect the browser. */
  async oidcCallback(client: Client, query: Record<string, string | undefined>): Promise<string> {
    const state = query.state ?? '';
    const connectionId = state.split('.')[0] ?? '';
    const tenantId = isId('ssoConnection', connectionId) ? await tenantOfConnection(this.deps.orm.em.fork(), connectionId) : undefined;
    if (!tenantId) throw fail(400, 'oidc_invalid_state', 'The state parameter names no sign-in Plinth started; start a new sign-in.');
    return this.attempt(client, tenantId, connectionId, 'oidc', async (seen) => {
      const conn = await this.activeConnection(tenantId, connectionId, 'oidc');
      const row = await inIdentity(this.deps.orm, (em) => claimOidcRequest(em, state, conn.id));
      if (!row) throw fail(401, 'oidc_invalid_state', 'The state does not match a pending sign-in (unknown, expired or already used); start a new sign-in.');
      if (query.error)
        throw fail(401, 'oidc_idp_error', `The provider refused the sign-in: ${query.error}${query.error_description ? ` (${query.error_description})` : ''}.`);
      const callback = new URL(this.connections.oidcRedirectUri);
      for (const [k, v] of Object.entries(query)) if (v !== undefined) callback.searchParams.set(k, v);
      const claims = await this.connections.oidc.complete(conn.id, conn.oidc!, callback, {
        state,
        nonce: row.nonce,
        codeVerifier: this.connections.box.open(row.code_verifier_enc),
      });
      return this.signIn.complete(client, conn, { subject: String(claims.sub), attributes: claims }, row, seen);
    });
  }

  /** Trades a single-use code for the same session tokens a password login gives. */
  async token(client: Client, input: SsoTokenRequest): Promise<AuthTokens> {
    await this.deps.limits.consume('sso_token', client.ip ?? 'unknown', 60);
    const row = await claimCode(this.deps.orm.em.fork(), keyedHash(this.deps.config.secret, input.code));
    if (!row) throw unauthorized('This code is invalid, expired (60 seconds) or already used; sign in again.', 'invalid_sso_code');
    if (row.code_challenge) {
      const computed = input.code_verifier && createHash('sha256').update(input.code_verifier).digest('base64url');
      if (computed !== row.code_challenge) throw unauthorized('code_verifier does not match the code_challenge of this sign-in.', 'invalid_code_verifier');
    }
    await inTenant(this.deps.orm, systemGrant(row.tenant_id, 'SSO code exchange: the code is the credential'), (em) =>
      this.assertNotBlocked(em, row.tenant_id),
    );
    return this.auth.startSessionFor(row.user_id, row.tenant_id, client, { method: 'sso', connectionId: row.connection_id });
  }

  // ---- the flow's steps ----

  private async choose(q: AuthorizeQuery): Promise<{ connectionId?: string; tenantId: string }> {
    const em = this.deps.orm.em.fork();
    const missing = (detail: string) => new ApiError(404, 'sso_connection_not_found', 'Not Found', detail);
    if (q.connection !== undefined) {
      const tenantId = isId('ssoConnection', q.connection) ? await tenantOfConnection(em, q.connection) : undefined;
      if (!tenantId) throw missing(`No SSO connection '${q.connection}'.`);
      return { connectionId: q.connection, tenantId };
    }
    if (q.email !== undefined) {
      const domain = EMAIL.test(q.email) ? q.email.split('@')[1]!.toLowerCase() : undefined;
      if (!domain) throw unprocessable('validation_failed', 'email is not an email address.', [{ path: 'email', message: 'must be an email address' }]);
      const hit = await connectionForDomain(em, domain);
      if (!hit) throw missing(`No SSO connection is set up for ${domain}; sign in with a password instead.`);
      return { connectionId: hit.connection_id, tenantId: hit.tenant_id };
    }
    if (!isId('tenant', q.tenant!)) throw missing(`No tenant '${q.tenant}'.`);
    return { tenantId: q.tenant! };
  }

  private async onlyConnection(em: EntityManager, tenantId: string): Promise<SsoConnection> {
    const rows = await em.find(SsoConnection, { status: 'active' }, { limit: 2 });
    if (!rows.length) throw new ApiError(404, 'sso_connection_not_found', 'Not Found', `Tenant '${tenantId}' has no active SSO connection.`);
    if (rows.length > 1) {
      throw unprocessable('ambiguous_sso_connection', 'This tenant has several SSO connections: choose one with connection= or email=.', [
        { path: 'tenant', message: 'has several connections' },
      ]);
    }
    return rows[0]!;
  }

  private async insertRequest(
    em: EntityManager,
    r: { id: string; conn: SsoConnection; redirectUri: string; state?: string; challenge?: string; expiresAt: Date; nonce?: string; verifier?: string },
  ): Promise<void> {
    await insertRequest(em, {
      id: r.id,
      connectionId: r.conn.id,
      tenantId: r.conn.tenantId,
      redirectUri: r.redirectUri,
      state: r.state ?? null,
      challenge: r.challenge ?? null,
      nonce: r.nonce ?? null,
      verifierEnc: r.verifier ? this.connections.box.seal(r.verifier) : null,
      expiresAt: r.expiresAt,
    });
  }

  /** An IdP-initiated sign-in returns to RelayState when it is on the allow-list, else the first allowed URI. */
  private async idpInitiated(tenantId: string, relayState: string | undefined): Promise<PendingRequest> {
    const [tenant] = await inTenant(this.deps.orm, systemGrant(tenantId, 'IdP-initiated SSO: reading the redirect allow-list'), (em) =>
      visibleTenants(em, [tenantId]),
    );
    const allowed = tenant?.ssoRedirectUris ?? [];
    const target = relayState && allowed.includes(relayState) ? relayState : allowed[0];
    if (!target) throw fail(422, 'redirect_uri_not_allowed', 'An IdP-initiated sign-in needs a redirect URI: add one to the tenant’s sso_redirect_uris.');
    return { redirect_uri: target, state: null, code_challenge: null };
  }

  private async activeConnection(tenantId: string, id: string, type: 'saml' | 'oidc'): Promise<SsoConnection> {
    const conn = await inTenant(this.deps.orm, systemGrant(tenantId, 'SSO assertion: the connection is looked up before there is a principal'), (em) =>
      this.connections.find(em, id),
    );
    if (conn.type !== type) throw fail(400, 'wrong_connection_type', `Connection '${id}' is an ${conn.type.toUpperCase()} connection.`);
    if (conn.status !== 'active') throw fail(403, 'sso_connection_inactive', 'This SSO connection is inactive; ask your administrator to turn it on.');
    return conn;
  }

  private async assertNotBlocked(em: EntityManager, tenantId: string): Promise<void> {
    const [row] = await em.execute<{ blocked: boolean }[]>('select plinth_tenant_blocked(array[?]::text[]) as blocked', [tenantId]);
    if (row?.blocked) throw forbidden('This tenant is suspended; contact its administrator.', 'tenant_suspended');
  }

  /** Runs a sign-in step; a refusal is recorded in the connection's tenant (its own transaction) and rethrown. */
  private async attempt(
    client: Client,
    tenantId: string,
    connectionId: string,
    type: 'saml' | 'oidc',
    work: (seen: { email?: string }) => Promise<string>,
  ): Promise<string> {
    const seen: { email?: string } = {};
    try {
      return await work(seen);
    } catch (err) {
      if (!(err instanceof ApiError) || err.status >= 500 || err.status === 429) throw err;
      const origin: Origin = { actor: { type: 'system', id: null }, requestId: client.requestId, ip: client.ip, userAgent: client.userAgent };
      const conn = { id: connectionId, type };
      await inTenant(this.deps.orm, systemGrant(tenantId, 'recording a failed SSO sign-in'), (em) =>
        record(em, tenantId, origin, [change('sso.login.failed', signInRecord(conn, 'failed', { email: seen.email, reason: err.code, detail: err.message }))]),
      ).catch((recordErr: unknown) => this.deps.log.error({ err: String(recordErr) }, 'recording sso.login.failed failed'));
      throw err;
    }
  }
}
