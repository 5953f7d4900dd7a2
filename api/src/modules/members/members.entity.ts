import { OptionalProps } from '@mikro-orm/core';
import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { TenantScoped } from '../../core/db/tenant-filter.js';

/** A user's place in a tenant; `role` is a system role key or a custom role's key. */
@Entity({ tableName: 'memberships' })
@TenantScoped()
export class Membership {
  [OptionalProps]?: 'createdAt' | 'updatedAt' | 'status' | 'scimExternalId';
  @PrimaryKey({ type: 'text' }) id!: string;
  @Property({ type: 'text' }) tenantId!: string;
  @Property({ type: 'text' }) userId!: string;
  @Property({ type: 'text' }) role!: string;
  /** `deactivated` by SCIM (`active: false`): the user keeps the membership but cannot use this tenant. */
  @Property({ type: 'text' }) status: 'active' | 'deactivated' = 'active';
  /** The identity provider's `externalId` for this user (SCIM). */
  @Property({ type: 'text', nullable: true }) scimExternalId: string | null = null;
  @Property({ type: 'datetime', columnType: 'timestamptz' }) createdAt: Date = new Date();
  @Property({ type: 'datetime', columnType: 'timestamptz', onUpdate: () => new Date() }) updatedAt: Date = new Date();
}
