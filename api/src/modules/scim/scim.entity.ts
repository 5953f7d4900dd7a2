import { OptionalProps } from '@mikro-orm/core';
import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { TenantScoped } from '../../core/db/tenant-filter.js';

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

/** A SCIM group; its display name maps to a role (see ScimGroupsService.roleOf). */
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
