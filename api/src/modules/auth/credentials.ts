import type { EntityManager } from '@mikro-orm/postgresql';
import type { CredentialResolver } from '../../core/auth/authentication.js';
import type { Principal } from '../../core/auth/principal.js';
import { keyedHash, looksLikeJwt, verifyAccessToken } from '../../core/auth/tokens.js';
import type { Deps } from '../../core/deps.js';
import { inTenant, systemGrant } from '../../core/db/unit-of-work.js';
import { forbidden, notFound, unauthorized } from '../../core/http/errors.js';
import { isId } from '../../core/ids.js';
import { visibleTenants } from '../tenants/index.js';
import type { MembershipWriter } from './module.js';
import { Session, User } from './auth.entity.js';

interface KeyRow {
  id: string;
  tenant_id: string;
  scopes: string[];
  rate_limit: number | null;
  mode: 'live' | 'test';
  expires_at: Date | null;
  revoked_at: Date | null;
  previous: boolean;
  previous_expires_at: Date | null;
}

type Credential = Omit<Principal, 'tenantId'> & { mfaEnrolled?: boolean };

/**
 * Turns a bearer token into a principal: a session access token (JWT naming a live session, whose
 * membership gives the permissions) or a secret API key (looked up by keyed hash, whose scopes are the
 * permissions). `Plinth-Tenant` then moves the principal into a descendant tenant. Each request costs
 * one transaction in the credential's tenant (plus, for keys, the hash look-up before it).
 */
export function credentialResolver(deps: Deps, memberships: MembershipWriter): CredentialResolver {
  const { orm, config } = deps;

  async function apiKey(hash: string): Promise<{ credential: Credential; expiresAt: Date | null }> {
    const [key] = await orm.em.fork().execute<KeyRow[]>('select * from plinth_authenticate_api_key(?)', [hash]);
    if (!key) throw unauthorized('The API key is invalid.', 'invalid_api_key');
    if (key.revoked_at) throw unauthorized('This API key has been revoked.', 'api_key_revoked');
    if (key.expires_at && new Date(key.expires_at) <= new Date()) throw unauthorized('This API key has expired.', 'api_key_expired');
    if (key.previous && (!key.previous_expires_at || new Date(key.previous_expires_at) <= new Date())) {
      throw unauthorized('This API key was rolled and its grace period is over; use the new secret.', 'api_key_expired');
    }
    // A cached key must be looked up again before it, or its rolled-out secret, stops working.
    const ends = [key.expires_at, key.previous ? key.previous_expires_at : null].filter((d): d is Date => !!d).map((d) => new Date(d));
    return {
      credential: {
        credentialTenantId: key.tenant_id,
        actor: { type: 'api_key', id: key.id },
        apiKeyId: key.id,
        permissions: new Set(key.scopes),
        mode: key.mode,
        rateLimit: key.rate_limit ?? config.apiKeyRateLimit,
      },
      expiresAt: ends.length ? new Date(Math.min(...ends.map((d) => d.getTime()))) : null,
    };
  }

  /** Inside the transaction of the tenant the token names: the session, then the membership's role. */
  async function session(em: EntityManager, claims: { sub: string; sid: string; ten: string }): Promise<Credential> {
    const s = await em.findOne(Session, { id: claims.sid });
    if (!s || s.revokedAt || s.expiresAt <= new Date() || s.userId !== claims.sub || s.tenantId !== claims.ten) {
      throw unauthorized('This session has ended; sign in again.', 'session_revoked');
    }
    const granted = await memberships.permissionsOfUser(em, s.userId);
    if (!granted) throw unauthorized('You are no longer a member of this tenant; sign in again.', 'membership_removed');
    const user = await em.findOneOrFail(User, { id: s.userId });
    return {
      credentialTenantId: s.tenantId,
      actor: { type: 'user', id: s.userId },
      // An SSO sign-in satisfies mfa_required: the identity provider owns the second factor.
      mfaEnrolled: s.authMethod === 'sso' || !!user.totpEnabledAt,
      userId: s.userId,
      sessionId: s.id,
      permissions: new Set(granted),
      mode: 'live',
      rateLimit: config.apiKeyRateLimit,
    };
  }

  /** Row-level security shows the credential's tenant and its subtree only: a foreign tenant is a 404. */
  async function place(em: EntityManager, credential: Credential, acting: string | undefined): Promise<Principal> {
    const tenantId = acting ?? credential.credentialTenantId;
    const tenants = await visibleTenants(em, [credential.credentialTenantId, tenantId]);
    const own = tenants.find((t) => t.id === credential.credentialTenantId);
    const target = tenants.find((t) => t.id === tenantId);
    if (!own || !target) throw notFound('tenant', tenantId);
    // Suspension covers the whole subtree: the tenants themselves or any ancestor of either.
    const [{ blocked }] = (await em.execute<{ blocked: boolean }[]>('select plinth_tenant_blocked(array[?, ?]::text[]) as blocked', [own.id, target.id])) as [
      { blocked: boolean },
    ];
    if (blocked) throw forbidden('This tenant is suspended; contact its administrator.', 'tenant_suspended');
    const { mfaEnrolled, ...principal } = credential;
    if (principal.actor.type === 'user' && mfaEnrolled === false && own.mfaRequired) return { ...principal, tenantId, restriction: 'mfa_enrollment_required' };
    return { ...principal, tenantId };
  }

  return async (token, acting) => {
    if (acting !== undefined && !isId('tenant', acting)) throw notFound('tenant', acting);
    if (looksLikeJwt(token)) {
      const claims = await verifyAccessToken(config.secret, token);
      if (!claims) throw unauthorized('The access token is invalid or expired; refresh it.', 'invalid_access_token');
      if (!isId('tenant', claims.ten)) throw unauthorized('The access token is invalid or expired; refresh it.', 'invalid_access_token');
      return inTenant(orm, systemGrant(claims.ten, 'authentication: resolving who is calling'), async (em) => place(em, await session(em, claims), acting));
    }
    const hash = keyedHash(config.secret, token);
    const cacheKey = `${hash}|${acting ?? ''}`;
    const cached = deps.credentials.get(cacheKey);
    if (cached) return cached;
    const { credential, expiresAt } = await apiKey(hash);
    const principal = await inTenant(orm, systemGrant(credential.credentialTenantId, 'authentication: resolving who is calling'), (em) =>
      place(em, credential, acting),
    );
    deps.credentials.set(cacheKey, principal, expiresAt);
    return principal;
  };
}
