import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/postgresql';
import { authorize, type Ctx, type Granted, type Principal } from '../../core/auth/principal.js';
import type { Deps } from '../../core/deps.js';
import { inTenant } from '../../core/db/unit-of-work.js';
import { originOf, previousAttributes, record } from '../../core/events/record.js';
import { assertValid } from '../../core/http/validation.js';
import { conflict, notFound, unprocessable, type FieldError } from '../../core/http/errors.js';
import { keysetWhere, pageParams, toList, type List } from '../../core/http/pagination.js';
import { isId, newId } from '../../core/ids.js';
import { SecretBox } from '../../core/secret-box.js';
import { unsafeUrlReason } from '../../core/net/ssrf.js';
import { change } from '../../core/events/change.js';
import type { MembersService } from '../members/index.js';
import { OidcEngine } from './oidc.js';
import { visibleTenants } from '../tenants/index.js';
import { activeConnectionCount, replaceConnectionDomains } from './sso.repository.js';
import { certificateInfo, normalizeCertificate, parseIdpMetadata, samlEngine, spEndpoints, PgRequestStore } from './saml.js';
import type {
  DeletedSsoConnection,
  OidcConnectionInput,
  SamlConnectionInput,
  SsoConnectionCreate,
  SsoConnectionDto,
  SsoConnectionUpdate,
  SsoGroupRole,
} from './sso.dto.js';
import { SsoConnection, type AttributeMapping, type OidcSettings, type SamlSettings } from './sso.entity.js';

const DEFAULT_MAPPING: AttributeMapping = { email: 'email', name: 'name', groups: 'groups' };
const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** SSO connections: a tenant's SAML or OIDC identity providers, administered through the API. */
export class SsoConnectionsService {
  readonly box: SecretBox;
  readonly oidc: OidcEngine;

  constructor(
    private readonly deps: Deps,
    private readonly members: MembersService,
  ) {
    this.box = new SecretBox(deps.config.secret, 'sso-client-secret');
    this.oidc = new OidcEngine(deps.config.sso.allowPrivateNetworks, (sealed) => this.box.open(sealed));
  }

  get baseUrl(): string {
    return (this.deps.config.publicUrl ?? `http://localhost:${this.deps.config.port}`).replace(/\/$/, '');
  }

  get oidcRedirectUri(): string {
    return `${this.baseUrl}/v1/sso/oidc/callback`;
  }

  toDto(c: SsoConnection): SsoConnectionDto {
    const sp = spEndpoints(this.baseUrl, c.id);
    return {
      id: c.id,
      object: 'sso_connection',
      tenant_id: c.tenantId,
      type: c.type,
      name: c.name,
      status: c.status,
      domains: c.domains,
      saml: c.saml
        ? {
            idp_entity_id: c.saml.idpEntityId,
            idp_sso_url: c.saml.idpSsoUrl,
            idp_certificates: c.saml.idpCertificates.map(certificateInfo),
            allow_idp_initiated: c.saml.allowIdpInitiated,
            sp_entity_id: sp.entityId,
            acs_url: sp.acsUrl,
          }
        : null,
      oidc: c.oidc
        ? { issuer: c.oidc.issuer, client_id: c.oidc.clientId, client_secret_set: true, scopes: c.oidc.scopes, redirect_uri: this.oidcRedirectUri }
        : null,
      attribute_mapping: c.attributeMapping,
      default_role: c.defaultRole,
      group_roles: c.groupRoles,
      created_at: c.createdAt.toISOString(),
      updated_at: c.updatedAt.toISOString(),
    };
  }

  async list(ctx: Ctx, query: { limit?: number; startingAfter?: string }): Promise<List<SsoConnectionDto>> {
    const grant = authorize(ctx, 'sso:read');
    const page = pageParams(query.limit, query.startingAfter);
    return inTenant(this.deps.orm, grant, async (em) => {
      const rows = await em.find(SsoConnection, keysetWhere(page), { orderBy: { id: 'desc' }, limit: page.limit + 1 });
      return toList(rows, page, (c) => this.toDto(c));
    });
  }

  async get(ctx: Ctx, id: string): Promise<SsoConnectionDto> {
    const grant = authorize(ctx, 'sso:read');
    return inTenant(this.deps.orm, grant, async (em) => this.toDto(await this.find(em, id)));
  }

  /** Our service-provider metadata for this connection, to upload at the IdP. */
  async samlMetadata(ctx: Ctx, id: string): Promise<string> {
    const grant = authorize(ctx, 'sso:read');
    return inTenant(this.deps.orm, grant, async (em) => {
      const conn = await this.find(em, id);
      if (conn.type !== 'saml') throw unprocessable('not_a_saml_connection', 'This is an OIDC connection: it has no SAML metadata.');
      return (await samlEngine(conn, spEndpoints(this.baseUrl, conn.id), new PgRequestStore(em, conn.id))).generateServiceProviderMetadata(null, null);
    });
  }

  async create(ctx: Ctx, input: SsoConnectionCreate): Promise<SsoConnectionDto> {
    const principal = authorize(ctx, 'sso:write');
    const errors: FieldError[] = [];
    const domains = this.checkDomains(input.domains ?? [], errors);
    let saml: SamlSettings | null = null;
    let oidc: OidcSettings | null = null;
    if (input.type === 'saml') {
      if (input.oidc) errors.push({ path: 'oidc', message: 'must be absent for a SAML connection' });
      saml = this.samlSettings(input.saml ?? {}, null, errors);
    } else {
      if (input.saml) errors.push({ path: 'saml', message: 'must be absent for an OIDC connection' });
      oidc = await this.oidcSettings(input.oidc ?? {}, null, errors);
    }
    assertValid(errors);
    if (oidc) await this.oidc.check(oidc);
    return this.save(principal, async (em) => {
      await this.checkRoles(em, principal, input.default_role ?? 'member', input.group_roles ?? []);
      const conn = em.create(SsoConnection, {
        id: newId('ssoConnection'),
        tenantId: principal.tenantId,
        type: input.type,
        name: input.name,
        domains,
        saml,
        oidc,
        attributeMapping: { ...DEFAULT_MAPPING, ...input.attribute_mapping },
        defaultRole: input.default_role ?? 'member',
        groupRoles: input.group_roles ?? [],
      });
      em.persist(conn);
      await em.flush();
      await replaceConnectionDomains(em, conn);
      const dto = this.toDto(conn);
      await record(em, principal.tenantId, originOf(ctx), [change('sso_connection.created', dto)]);
      return dto;
    });
  }

  async update(ctx: Ctx, id: string, input: SsoConnectionUpdate): Promise<SsoConnectionDto> {
    const principal = authorize(ctx, 'sso:write');
    const current = await inTenant(this.deps.orm, principal, (em) => this.find(em, id));
    const errors: FieldError[] = [];
    const domains = input.domains ? this.checkDomains(input.domains, errors) : undefined;
    if (input.saml && current.type !== 'saml') errors.push({ path: 'saml', message: 'this is an OIDC connection' });
    if (input.oidc && current.type !== 'oidc') errors.push({ path: 'oidc', message: 'this is a SAML connection' });
    const saml = input.saml && current.saml ? this.samlSettings(input.saml, current.saml, errors) : undefined;
    const oidc = input.oidc && current.oidc ? await this.oidcSettings(input.oidc, current.oidc, errors) : undefined;
    assertValid(errors);
    if (oidc) await this.oidc.check(oidc);
    const dto = await this.save(principal, async (em) => {
      const conn = await this.find(em, id);
      if (input.default_role !== undefined || input.group_roles !== undefined) {
        await this.checkRoles(em, principal, input.default_role ?? conn.defaultRole, input.group_roles ?? conn.groupRoles);
      }
      const before = this.toDto(conn);
      if (input.name !== undefined) conn.name = input.name;
      if (input.status !== undefined) conn.status = input.status;
      if (domains) conn.domains = domains;
      if (saml) conn.saml = saml;
      if (oidc) conn.oidc = oidc;
      if (input.attribute_mapping) conn.attributeMapping = { ...conn.attributeMapping, ...input.attribute_mapping };
      if (input.default_role !== undefined) conn.defaultRole = input.default_role;
      if (input.group_roles !== undefined) conn.groupRoles = input.group_roles;
      await em.flush();
      if (domains) await replaceConnectionDomains(em, conn);
      const dto = this.toDto(conn);
      const previous = previousAttributes(before, dto);
      if (previous || oidc) await record(em, principal.tenantId, originOf(ctx), [change('sso_connection.updated', dto, previous ?? {})]);
      return dto;
    });
    this.oidc.forget(id);
    return dto;
  }

  async remove(ctx: Ctx, id: string): Promise<DeletedSsoConnection> {
    const principal = authorize(ctx, 'sso:write');
    await inTenant(this.deps.orm, principal, async (em) => {
      const conn = await this.find(em, id);
      const dto = this.toDto(conn);
      await em.remove(conn).flush();
      const [tenant] = await visibleTenants(em, [principal.tenantId]);
      if (tenant?.ssoRequired && (await activeConnectionCount(em)) === 0) {
        throw conflict('sso_required_needs_connection', 'This tenant requires SSO and this is its last active connection: turn sso_required off first.');
      }
      await record(em, principal.tenantId, originOf(ctx), [change('sso_connection.deleted', dto)]);
    });
    this.oidc.forget(id);
    return { id, object: 'sso_connection', deleted: true };
  }

  async find(em: EntityManager, id: string): Promise<SsoConnection> {
    const conn = isId('ssoConnection', id) ? await em.findOne(SsoConnection, { id }) : null;
    if (!conn) throw notFound('sso connection', id);
    return conn;
  }

  private async save<T>(principal: Granted, work: (em: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await inTenant(this.deps.orm, principal, work);
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) {
        throw conflict('domain_taken', 'One of these domains already routes to another SSO connection; each domain belongs to one connection.');
      }
      throw err;
    }
  }

  private checkDomains(domains: string[], errors: FieldError[]): string[] {
    const out = [...new Set(domains.map((d) => d.trim().toLowerCase()))];
    out.forEach((d, i) => {
      if (!DOMAIN.test(d)) errors.push({ path: `domains[${i}]`, message: `'${d}' is not a domain name such as acme.com` });
    });
    return out;
  }

  private async checkRoles(em: EntityManager, principal: Principal, defaultRole: string, groupRoles: SsoGroupRole[]): Promise<void> {
    await this.members.checkAssignable(em, principal, defaultRole);
    for (const { role } of groupRoles) await this.members.checkAssignable(em, principal, role);
  }

  private samlSettings(input: SamlConnectionInput, current: SamlSettings | null, errors: FieldError[]): SamlSettings | null {
    const fromMetadata = input.metadata_xml ? parseIdpMetadata(input.metadata_xml) : { certificates: [] as string[] };
    const idpEntityId = input.idp_entity_id ?? fromMetadata.entityId ?? current?.idpEntityId;
    const idpSsoUrl = input.idp_sso_url ?? fromMetadata.ssoUrl ?? current?.idpSsoUrl;
    const certificates = input.idp_certificate
      ? [normalizeCertificate(input.idp_certificate, 'saml.idp_certificate')]
      : fromMetadata.certificates.length
        ? fromMetadata.certificates.map((c) => normalizeCertificate(c, 'saml.metadata_xml'))
        : (current?.idpCertificates ?? []);
    if (!idpEntityId) errors.push({ path: 'saml.idp_entity_id', message: 'is required (or give metadata_xml)' });
    if (!idpSsoUrl) errors.push({ path: 'saml.idp_sso_url', message: 'is required (or give metadata_xml)' });
    else if (!/^https?:\/\//.test(idpSsoUrl)) errors.push({ path: 'saml.idp_sso_url', message: 'must be an http(s) URL' });
    if (!certificates.length) errors.push({ path: 'saml.idp_certificate', message: 'is required (or give metadata_xml with a signing certificate)' });
    if (!idpEntityId || !idpSsoUrl || !certificates.length) return null;
    return { idpEntityId, idpSsoUrl, idpCertificates: certificates, allowIdpInitiated: input.allow_idp_initiated ?? current?.allowIdpInitiated ?? false };
  }

  private async oidcSettings(input: OidcConnectionInput, current: OidcSettings | null, errors: FieldError[]): Promise<OidcSettings | null> {
    const issuer = input.issuer ?? current?.issuer;
    const clientId = input.client_id ?? current?.clientId;
    const clientSecretEnc = input.client_secret ? this.box.seal(input.client_secret) : current?.clientSecretEnc;
    if (!issuer) errors.push({ path: 'oidc.issuer', message: 'is required' });
    else {
      const reason = await unsafeUrlReason(issuer, this.deps.config.sso.allowPrivateNetworks, 'SSO_ALLOW_PRIVATE_NETWORKS');
      if (reason) errors.push({ path: 'oidc.issuer', message: reason });
      else if (!this.deps.config.sso.allowPrivateNetworks && !issuer.startsWith('https://')) errors.push({ path: 'oidc.issuer', message: 'must use https' });
    }
    if (!clientId) errors.push({ path: 'oidc.client_id', message: 'is required' });
    if (!clientSecretEnc) errors.push({ path: 'oidc.client_secret', message: 'is required' });
    const scopes = input.scopes ?? current?.scopes ?? ['openid', 'email', 'profile'];
    scopes.forEach((s, i) => {
      if (!/^[\x21\x23-\x5b\x5d-\x7e]{1,100}$/.test(s)) errors.push({ path: `oidc.scopes[${i}]`, message: 'is not a valid scope token' });
    });
    if (!issuer || !clientId || !clientSecretEnc) return null;
    return { issuer, clientId, clientSecretEnc, scopes };
  }
}
