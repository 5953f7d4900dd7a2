import type { CredentialResolver } from '../../core/auth/authentication.js';
import type { Principal } from '../../core/auth/principal.js';
import { keyedHash, looksLikeJwt, verifyAccessToken } from '../../core/auth/tokens.js';
import type { Deps } from '../../core/deps.js';
import { inIdentity, inTenant } from '../../core/db/unit-of-work.js';
import { forbidden, notFound, unauthorized } from '../../core/http/errors.js';
import { isId } from '../../core/ids.js';
import type { MembersService } from '../members/members.service.js';
import type { RolesService } from '../roles/roles.service.js';
import { Tenant } from '../tenants/tenants.entity.js';
import { Session } from './auth.entity.js';

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

/**
 * Turns a bearer token into a principal: a session access token (JWT naming a live session, whose
 * membership gives the permissions) or a secret API key (looked up by keyed hash, whose scopes are the
 * permissions). `Plinth-Tenant` then moves the principal into a descendant tenant.
 */
export function credentialResolver(deps: Deps, roles: RolesService, members: MembersService): CredentialResolver {
  const { orm, config } = deps;

  async function fromApiKey(token: string): Promise<Omit<Principal, 'tenantId'>> {
    const [key] = await orm.em.fork().execute<KeyRow[]>('select * from plinth_authenticate_api_key(?)', [keyedHash(config.secret, token)]);
    if (!key) throw unauthorized('The API key is invalid.', 'invalid_api_key');
    if (key.revoked_at) throw unauthorized('This API key has been revoked.', 'api_key_revoked');
    if (key.expires_at && new Date(key.expires_at) <= new Date()) throw unauthorized('This API key has expired.', 'api_key_expired');
    if (key.previous && (!key.previous_expires_at || new Date(key.previous_expires_at) <= new Date())) {
      throw unauthorized('This API key was rolled and its grace period is over; use the new secret.', 'api_key_expired');
    }
    return {
      credentialTenantId: key.tenant_id,
      actor: { type: 'api_key', id: key.id },
      apiKeyId: key.id,
      permissions: new Set(key.scopes),
      mode: key.mode,
      rateLimit: key.rate_limit ?? config.apiKeyRateLimit,
    };
  }

  async function fromAccessToken(token: string): Promise<Omit<Principal, 'tenantId' | 'permissions'> & { permissions?: Set<string> }> {
    const claims = verifyAccessToken(config.secret, token);
    if (!claims) throw unauthorized('The access token is invalid or expired; refresh it.', 'invalid_access_token');
    const session = await inIdentity(orm, (em) => em.findOne(Session, { id: claims.sid }));
    if (!session || session.revokedAt || session.expiresAt <= new Date() || session.userId !== claims.sub || session.tenantId !== claims.ten) {
      throw unauthorized('This session has ended; sign in again.', 'session_revoked');
    }
    return {
      credentialTenantId: session.tenantId,
      actor: { type: 'user', id: session.userId },
      userId: session.userId,
      sessionId: session.id,
      mode: 'live',
      rateLimit: config.apiKeyRateLimit,
    };
  }

  return async (token, acting) => {
    const base = looksLikeJwt(token) ? await fromAccessToken(token) : await fromApiKey(token);
    const tenantId = acting ?? base.credentialTenantId;
    if (acting !== undefined && !isId('tenant', acting)) throw notFound('tenant', acting);
    return inTenant(orm, base.credentialTenantId, async (em) => {
      let permissions = base.permissions;
      if (base.userId) {
        const membership = await members.findByUser(em, base.userId);
        const granted = membership && (await roles.permissionsOf(em, membership.role));
        if (!granted) throw unauthorized('You are no longer a member of this tenant; sign in again.', 'membership_removed');
        permissions = new Set(granted);
      }
      // Row-level security shows the credential's tenant and its subtree only: a foreign tenant is a 404.
      const tenants = await em.find(Tenant, { id: { $in: [...new Set([base.credentialTenantId, tenantId])] } });
      const own = tenants.find((t) => t.id === base.credentialTenantId);
      const target = tenants.find((t) => t.id === tenantId);
      if (!target || !own) throw notFound('tenant', tenantId);
      if (own.status === 'suspended' || target.status === 'suspended') {
        throw forbidden('This tenant is suspended; contact its administrator.', 'tenant_suspended');
      }
      return { ...base, tenantId, permissions: permissions! } as Principal;
    });
  };
}
