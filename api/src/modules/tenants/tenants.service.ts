import type { EntityManager } from '@mikro-orm/postgresql';
import { authorize, type Ctx } from '../../core/auth/principal.js';
import type { Deps } from '../../core/deps.js';
import { inTenant } from '../../core/db/unit-of-work.js';
import { forbidden, notFound, unprocessable, type FieldError } from '../../core/http/errors.js';
import type { SsoRequirement } from './module.js';
import { keysetWhere, pageParams, toList, type List } from '../../core/http/pagination.js';
import { assertValid, checkMetadata, mergeMetadata } from '../../core/http/validation.js';
import { isId, newId } from '../../core/ids.js';
import { originOf, previousAttributes, record } from '../../core/events/record.js';
import { change } from '../../core/events/change.js';
import { announceCredentialChange } from '../../core/auth/credential-cache.js';
import { toTenantDto, type TenantCreate, type TenantDto, type TenantUpdate } from './tenants.dto.js';
import { Tenant, type TenantKind } from './tenants.entity.js';

/** SSO redirect URIs: absolute https URLs (http only on localhost), no fragment, no credentials. */
function checkRedirectUris(uris: string[] | undefined): FieldError[] {
  return (uris ?? []).flatMap((raw, i): FieldError[] => {
    const path = `sso_redirect_uris[${i}]`;
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return [{ path, message: 'is not an absolute URL' }];
    }
    const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) return [{ path, message: 'must use https (http only on localhost)' }];
    if (url.hash || url.username || url.password) return [{ path, message: 'must not have a fragment or credentials' }];
    if (raw.length > 2000) return [{ path, message: 'must be at most 2000 characters' }];
    return [];
  });
}

/**
 * A new tenant below `parent`, inside the caller's transaction (whose `app.tenant_id` must be the new
 * id or an ancestor). Used by create, signup and bootstrap.
 */
export function buildTenant(
  em: EntityManager,
  input: { id?: string; name: string; kind: TenantKind; parent?: Pick<Tenant, 'id' | 'path'> | null; metadata?: Record<string, string> },
): Tenant {
  const tenant = em.create(Tenant, {
    id: input.id ?? newId('tenant'),
    name: input.name,
    kind: input.kind,
    parentId: input.parent?.id ?? null,
    path: input.parent ? [...input.parent.path, input.parent.id] : [],
    status: 'active',
    metadata: input.metadata ?? {},
  });
  em.persist(tenant);
  return tenant;
}

export interface TenantListQuery {
  limit?: number;
  startingAfter?: string;
  parentId?: string;
}

export class TenantsService {
  constructor(
    private readonly deps: Deps,
    private readonly sso: SsoRequirement,
  ) {}

  /** Creates a tenant directly below the acting tenant (platform: resellers and standard; reseller: standard). */
  async create(ctx: Ctx, input: TenantCreate): Promise<TenantDto> {
    const grant = authorize(ctx, 'tenants:write');
    const { tenantId } = grant;
    assertValid(checkMetadata(input.metadata));
    return inTenant(this.deps.orm, grant, async (em) => {
      const parent = await em.findOneOrFail(Tenant, { id: tenantId });
      const kind = input.kind ?? 'standard';
      if (parent.kind === 'standard') {
        throw forbidden('Only platform and reseller tenants can create tenants.', 'children_not_allowed');
      }
      if (kind === 'reseller' && parent.kind !== 'platform') {
        throw unprocessable('invalid_kind', 'Only the platform can create reseller tenants.', [{ path: 'kind', message: 'must be standard' }]);
      }
      const tenant = buildTenant(em, { name: input.name, kind, parent, metadata: input.metadata ?? {} });
      await em.flush();
      const dto = toTenantDto(tenant);
      await record(em, tenantId, originOf(ctx), [change('tenant.created', dto)]);
      return dto;
    });
  }

  /** The tenants below the acting tenant (its whole subtree), newest first. */
  async list(ctx: Ctx, query: TenantListQuery): Promise<List<TenantDto>> {
    const grant = authorize(ctx, 'tenants:read');
    const { tenantId } = grant;
    const page = pageParams(query.limit, query.startingAfter);
    return inTenant(this.deps.orm, grant, async (em) => {
      const rows = await em.find(
        Tenant,
        { id: { $ne: tenantId, ...keysetWhere(page).id }, ...(query.parentId ? { parentId: query.parentId } : {}) },
        { orderBy: { id: 'desc' }, limit: page.limit + 1 },
      );
      return toList(rows, page, toTenantDto);
    });
  }

  async get(ctx: Ctx, id: string): Promise<TenantDto> {
    const grant = authorize(ctx, 'tenants:read');
    return inTenant(this.deps.orm, grant, async (em) => toTenantDto(await this.find(em, id)));
  }

  async update(ctx: Ctx, id: string, input: TenantUpdate): Promise<TenantDto> {
    const grant = authorize(ctx, 'tenants:write');
    const { tenantId } = grant;
    assertValid([...checkMetadata(input.metadata), ...checkRedirectUris(input.sso_redirect_uris)]);
    return inTenant(this.deps.orm, grant, async (em) => {
      const tenant = await this.find(em, id);
      const before = toTenantDto(tenant);
      if (input.sso_required && !tenant.ssoRequired) await this.sso.assertCanRequire(em, tenant.id, tenantId);
      if (input.sso_required !== undefined) tenant.ssoRequired = input.sso_required;
      if (input.sso_redirect_uris !== undefined) tenant.ssoRedirectUris = [...new Set(input.sso_redirect_uris)];
      if (input.name !== undefined) tenant.name = input.name;
      if (input.audit_log_retention_days !== undefined) tenant.auditRetentionDays = input.audit_log_retention_days;
      if (input.mfa_required !== undefined) tenant.mfaRequired = input.mfa_required;
      tenant.metadata = mergeMetadata(tenant.metadata, input.metadata);
      await em.flush();
      const dto = toTenantDto(tenant);
      const previous = previousAttributes(before, dto);
      if (previous) await record(em, tenantId, originOf(ctx), [change('tenant.updated', dto, previous)]);
      return dto;
    });
  }

  async setStatus(ctx: Ctx, id: string, status: 'active' | 'suspended'): Promise<TenantDto> {
    const grant = authorize(ctx, 'tenants:write');
    const { tenantId } = grant;
    const result = await inTenant(this.deps.orm, grant, async (em) => {
      const tenant = await this.find(em, id);
      if (tenant.id === tenantId || tenant.id === ctx.principal.credentialTenantId) {
        throw unprocessable('cannot_change_own_status', 'A tenant cannot suspend or resume itself; its parent does.');
      }
      if (tenant.status === status) return toTenantDto(tenant);
      tenant.status = status;
      await em.flush();
      const dto = toTenantDto(tenant);
      const type = status === 'suspended' ? 'tenant.suspended' : 'tenant.resumed';
      await record(em, tenantId, originOf(ctx), [change(type, dto, { status: status === 'suspended' ? 'active' : 'suspended' })]);
      await announceCredentialChange(em);
      return dto;
    });
    this.deps.credentials.clear();
    return result;
  }

  /** Row-level security limits this to the acting tenant's subtree: anything else is a 404. */
  private async find(em: EntityManager, id: string): Promise<Tenant> {
    const tenant = isId('tenant', id) ? await em.findOne(Tenant, { id }) : null;
    if (!tenant) throw notFound('tenant', id);
    return tenant;
  }
}
