import { OptionalProps } from '@mikro-orm/core';
import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { TenantScoped } from '../../core/db/tenant-filter.js';

export interface SamlSettings {
  idpEntityId: string;
  idpSsoUrl: string;
  /** PEM certificates (or public keys) the IdP signs with; several during a rollover. */
  idpCertificates: string[];
  allowIdpInitiated: boolean;
}

export interface OidcSettings {
  issuer: string;
  clientId: string;
  /** Sealed with SecretBox: Plinth must present it to the token endpoint. */
  clientSecretEnc: string;
  scopes: string[];
}

export interface AttributeMapping {
  email: string;
  name: string;
  groups: string;
}

export interface GroupRole {
  group: string;
  role: string;
}

/** A tenant's identity provider. Exactly one of `saml` and `oidc` is set, as `type` says. */
@Entity({ tableName: 'sso_connections' })
@TenantScoped()
export class SsoConnection {
  [OptionalProps]?: 'createdAt' | 'updatedAt' | 'status' | 'domains' | 'saml' | 'oidc' | 'groupRoles';
  @PrimaryKey({ type: 'text' }) id!: string;
  @Property({ type: 'text' }) tenantId!: string;
  @Property({ type: 'text' }) type!: 'saml' | 'oidc';
  @Property({ type: 'text' }) name!: string;
  @Property({ type: 'text' }) status: 'active' | 'inactive' = 'active';
  @Property({ type: 'string[]', columnType: 'text[]' }) domains: string[] = [];
  @Property({ type: 'json', nullable: true }) saml: SamlSettings | null = null;
  @Property({ type: 'json', nullable: true }) oidc: OidcSettings | null = null;
  @Property({ type: 'json' }) attributeMapping!: AttributeMapping;
  @Property({ type: 'text' }) defaultRole!: string;
  @Property({ type: 'json' }) groupRoles: GroupRole[] = [];
  @Property({ type: 'datetime', columnType: 'timestamptz' }) createdAt: Date = new Date();
  @Property({ type: 'datetime', columnType: 'timestamptz', onUpdate: () => new Date() }) updatedAt: Date = new Date();
}

/** A bearer token for the tenant's SCIM endpoint; only its keyed hash is stored. */
@Entity({ tableName: 'scim_tokens' })
@TenantScoped()
export class ScimToken {
  [OptionalProps]?: 'createdAt' | 'lastUsedAt' | 'revokedAt';
  @PrimaryKey({ type: 'text' }) id!: string;
  @Property({ type: 'text' }) tenantId!: string;
  @Property({ type: 'text' }) name!: string;
  @Property({ type: 'text' }) prefix!: string;
  @Property({ type: 'text', hidden: true }) tokenHash!: string;
  @Property({ type: 'datetime', columnType: 'timestamptz' }) createdAt: Date = new Date();
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true }) lastUsedAt: Date | null = null;
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true }) revokedAt: Date | null = null;
}

/** A SCIM group; its display name maps to a role (see ScimService.roleFor). */
@Entity({ tableName: 'scim_groups' })
@TenantScoped()
export class ScimGroup {
  [OptionalProps]?: 'createdAt' | 'updatedAt' | 'externalId';
  @PrimaryKey({ type: 'text' }) id!: string;
  @Property({ type: 'text' }) tenantId!: string;
  @Property({ type: 'text' }) displayName!: string;
  @Property({ type: 'text', nullable: true }) externalId: string | null = null;
  @Property({ type: 'datetime', columnType: 'timestamptz' }) createdAt: Date = new Date();
  @Property({ type: 'datetime', columnType: 'timestamptz', onUpdate: () => new Date() }) updatedAt: Date = new Date();
}
