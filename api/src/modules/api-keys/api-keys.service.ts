import type { EntityManager } from '@mikro-orm/postgresql';
import { authorize, type Ctx } from '../../core/auth/principal.js';
import { keyedHash, randomToken } from '../../core/auth/tokens.js';
import type { Deps } from '../../core/deps.js';
import { inTenant } from '../../core/db/unit-of-work.js';
import { notFound, unprocessable } from '../../core/http/errors.js';
import { keysetWhere, pageParams, toList, type List } from '../../core/http/pagination.js';
import { isId, newId } from '../../core/ids.js';
import { originOf, record } from '../../core/events/record.js';
import { change } from '../../core/events/change.js';
import { announceCredentialChange } from '../../core/auth/credential-cache.js';
import type { RolesService } from '../roles/index.js';
import { toApiKeyDto, type ApiKeyCreate, type ApiKeyDto, type ApiKeyRoll, type ApiKeyWithSecret, type DeletedApiKey } from './api-keys.dto.js';
import { ApiKey } from './api-keys.entity.js';

export function newSecret(mode: 'live' | 'test'): string {
  return `sk_${mode}_${randomToken(32)}`;
}

/**
 * Keeps exactly one live root key on the platform tenant, inside the caller's transaction. With
 * `rootKey` (PLINTH_ROOT_KEY) that secret is the key and a changed value replaces the old one;
 * without it, a key is generated only when none exists, and returned so it can be printed once.
 */
export async function ensureRootKey(
  em: EntityManager,
  platformTenantId: string,
  secret: string,
  rootKey: string | undefined,
  allPermissions: string[],
): Promise<string | undefined> {
  const roots = await em.find(ApiKey, { isRoot: true, revokedAt: null });
  const wantedHash = rootKey ? keyedHash(secret, rootKey) : undefined;
  if (wantedHash ? roots.some((k) => k.secretHash === wantedHash) : roots.length > 0) return undefined;
  for (const old of roots) old.revokedAt = new Date();
  const generated = rootKey ? undefined : newSecret('live');
  const value = rootKey ?? generated!;
  em.persist(
    em.create(ApiKey, {
      id: newId('apiKey'),
      tenantId: platformTenantId,
      name: 'Platform root key',
      mode: 'live',
      last4: value.slice(-4),
      secretHash: keyedHash(secret, value),
      scopes: [...allPermissions],
      isRoot: true,
    }),
  );
  await em.flush();
  if (roots.length) await announceCredentialChange(em); // the replaced root key stops working everywhere
  return generated;
}

export class ApiKeysService {
  constructor(
    private readonly deps: Deps,
    private readonly roles: RolesService,
  ) {}

  async create(ctx: Ctx, input: ApiKeyCreate): Promise<ApiKeyWithSecret> {
    const principal = authorize(ctx, 'api_keys:write');
    const scopes = this.roles.checkGrant(principal, input.scopes, 'scopes');
    if (input.expires_at && input.expires_at <= new Date()) {
      throw unprocessable('invalid_expiry', 'expires_at must be in the future.', [{ path: 'expires_at', message: 'must be in the future' }]);
    }
    return inTenant(this.deps.orm, principal, async (em) => {
      const secret = newSecret('live');
      const key = em.create(ApiKey, {
        id: newId('apiKey'),
        tenantId: principal.tenantId,
        name: input.name,
        mode: 'live',
        last4: secret.slice(-4),
        secretHash: keyedHash(this.deps.config.secret, secret),
        scopes,
        rateLimit: input.rate_limit ?? null,
        expiresAt: input.expires_at ?? null,
        createdBy: principal.actor.id,
      });
      await em.persist(key).flush();
      const dto = toApiKeyDto(key);
      await record(em, principal.tenantId, originOf(ctx), [change('api_key.created', dto)]);
      return { ...dto, secret };
    });
  }

  async list(ctx: Ctx, query: { limit?: number; startingAfter?: string }): Promise<List<ApiKeyDto>> {
    const grant = authorize(ctx, 'api_keys:read');
    const page = pageParams(query.limit, query.startingAfter);
    return inTenant(this.deps.orm, grant, async (em) => {
      const rows = await em.find(ApiKey, { revokedAt: null, ...keysetWhere(page) }, { orderBy: { id: 'desc' }, limit: page.limit + 1 });
      return toList(rows, page, toApiKeyDto);
    });
  }

  async get(ctx: Ctx, id: string): Promise<ApiKeyDto> {
    const grant = authorize(ctx, 'api_keys:read');
    return inTenant(this.deps.orm, grant, async (em) => toApiKeyDto(await this.find(em, id)));
  }

  /** A new secret; the previous one keeps working for the grace period (default: none). */
  async roll(ctx: Ctx, id: string, input: ApiKeyRoll): Promise<ApiKeyWithSecret> {
    const grant = authorize(ctx, 'api_keys:write');
    const { tenantId } = grant;
    const grace = input.grace_period_seconds ?? 0;
    const result = await inTenant(this.deps.orm, grant, async (em) => {
      const key = await this.find(em, id);
      const secret = newSecret(key.mode);
      key.previousSecretHash = grace > 0 ? key.secretHash : null;
      key.previousExpiresAt = grace > 0 ? new Date(Date.now() + grace * 1000) : null;
      key.secretHash = keyedHash(this.deps.config.secret, secret);
      const previousLast4 = key.last4;
      key.last4 = secret.slice(-4);
      await em.flush();
      const dto = toApiKeyDto(key);
      await record(em, tenantId, originOf(ctx), [change('api_key.rolled', dto, { last4: previousLast4 })]);
      await announceCredentialChange(em);
      return { ...dto, secret };
    });
    this.deps.credentials.clear();
    return result;
  }

  /** Revoked at once: the next request with it gets a 401. */
  async revoke(ctx: Ctx, id: string): Promise<DeletedApiKey> {
    const grant = authorize(ctx, 'api_keys:write');
    const { tenantId } = grant;
    const result = await inTenant<DeletedApiKey>(this.deps.orm, grant, async (em) => {
      const key = await this.find(em, id);
      if (key.isRoot) throw unprocessable('root_key', 'The platform root key is managed with PLINTH_ROOT_KEY and cannot be revoked through the API.');
      key.revokedAt = new Date();
      key.previousSecretHash = null;
      await em.flush();
      await record(em, tenantId, originOf(ctx), [change('api_key.revoked', toApiKeyDto(key))]);
      await announceCredentialChange(em);
      return { id, object: 'api_key', deleted: true };
    });
    this.deps.credentials.clear();
    return result;
  }

  private async find(em: EntityManager, id: string): Promise<ApiKey> {
    const key = isId('apiKey', id) ? await em.findOne(ApiKey, { id, revokedAt: null }) : null;
    if (!key) throw notFound('API key', id);
    return key;
  }
}
