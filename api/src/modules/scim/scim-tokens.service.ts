import { authorize, type Ctx } from '../../core/auth/principal.js';
import { keyedHash, randomToken } from '../../core/auth/tokens.js';
import type { Deps } from '../../core/deps.js';
import { inTenant } from '../../core/db/unit-of-work.js';
import { originOf, record } from '../../core/events/record.js';
import { notFound } from '../../core/http/errors.js';
import { keysetWhere, pageParams, toList, type List } from '../../core/http/pagination.js';
import { isId, newId } from '../../core/ids.js';
import type { DeletedScimToken, ScimTokenCreate, ScimTokenDto, ScimTokenWithSecret } from './scim.dto.js';
import { ScimToken } from './scim.entity.js';
import { scimBaseUrl } from './scim.protocol.js';

/** Per-tenant bearer tokens for the SCIM endpoint; the secret is shown once and stored as a keyed hash. */
export class ScimTokensService {
  constructor(private readonly deps: Deps) {}

  private toDto(t: ScimToken): ScimTokenDto {
    return {
      id: t.id,
      object: 'scim_token',
      name: t.name,
      prefix: t.prefix,
      scim_base_url: scimBaseUrl(this.deps.config),
      created_at: t.createdAt.toISOString(),
      last_used_at: t.lastUsedAt?.toISOString() ?? null,
    };
  }

  async create(ctx: Ctx, input: ScimTokenCreate): Promise<ScimTokenWithSecret> {
    const grant = authorize(ctx, 'sso:write');
    const { tenantId } = grant;
    const secret = `scim_${randomToken(40)}`;
    return inTenant(this.deps.orm, grant, async (em) => {
      const token = em.create(ScimToken, {
        id: newId('scimToken'),
        tenantId,
        name: input.name,
        prefix: secret.slice(0, 9),
        tokenHash: keyedHash(this.deps.config.secret, secret),
      });
      await em.persist(token).flush();
      await record(em, tenantId, originOf(ctx), [
        { action: 'scim_token.created', target: { type: 'scim_token', id: token.id }, changes: { name: input.name } },
      ]);
      return { ...this.toDto(token), token: secret };
    });
  }

  async list(ctx: Ctx, query: { limit?: number; startingAfter?: string }): Promise<List<ScimTokenDto>> {
    const grant = authorize(ctx, 'sso:read');
    const page = pageParams(query.limit, query.startingAfter);
    return inTenant(this.deps.orm, grant, async (em) => {
      const rows = await em.find(ScimToken, { revokedAt: null, ...keysetWhere(page) }, { orderBy: { id: 'desc' }, limit: page.limit + 1 });
      return toList(rows, page, (r) => this.toDto(r));
    });
  }

  async revoke(ctx: Ctx, id: string): Promise<DeletedScimToken> {
    const grant = authorize(ctx, 'sso:write');
    const { tenantId } = grant;
    return inTenant(this.deps.orm, grant, async (em) => {
      const token = isId('scimToken', id) ? await em.findOne(ScimToken, { id, revokedAt: null }) : null;
      if (!token) throw notFound('scim token', id);
      token.revokedAt = new Date();
      await em.flush();
      await record(em, tenantId, originOf(ctx), [{ action: 'scim_token.revoked', target: { type: 'scim_token', id } }]);
      return { id, object: 'scim_token', deleted: true };
    });
  }
}
