import { OptionalProps } from '@mikro-orm/core';
import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

export type TenantKind = 'platform' | 'reseller' | 'standard';
export type TenantStatus = 'active' | 'suspended';

/** Row-level security shows a tenant and its whole subtree (`path` holds every ancestor id). */
@Entity({ tableName: 'tenants' })
export class Tenant {
  [OptionalProps]?:
    'createdAt' | 'updatedAt' | 'status' | 'metadata' | 'path' | 'parentId' | 'auditRetentionDays' | 'mfaRequired' | 'ssoRequired' | 'ssoRedirectUris';
  @PrimaryKey({ type: 'text' }) id!: string;
  @Property({ type: 'text' }) name!: string;
  @Property({ type: 'text' }) kind!: TenantKind;
  @Property({ type: 'text', nullable: true }) parentId: string | null = null;
  @Property({ type: 'string[]', columnType: 'text[]' }) path: string[] = [];
  @Property({ type: 'text' }) status: TenantStatus = 'active';
  @Property({ type: 'integer' }) auditRetentionDays: number = 365;
  /** Members must use two-factor authentication; until they enrol, their sessions can only manage it. */
  @Property({ type: 'boolean' }) mfaRequired: boolean = false;
  /** Members sign in through the tenant's SSO connections; only break-glass owners (password plus 2FA) may use a password. */
  @Property({ type: 'boolean' }) ssoRequired: boolean = false;
  /** Where SSO sign-ins may return (`redirect_uri` of `GET /v1/sso/authorize`): exact URLs. */
  @Property({ type: 'string[]', columnType: 'text[]' }) ssoRedirectUris: string[] = [];
  @Property({ type: 'json' }) metadata: Record<string, string> = {};
  @Property({ type: 'datetime', columnType: 'timestamptz' }) createdAt: Date = new Date();
  @Property({ type: 'datetime', columnType: 'timestamptz', onUpdate: () => new Date() }) updatedAt: Date = new Date();
}
