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
