import { OptionalProps } from '@mikro-orm/core';
import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { TenantScoped } from '../../core/db/tenant-filter.js';

/** A tenant's custom role. System roles live in code (core/auth/permissions.ts), not in this table. */
@Entity({ tableName: 'roles' })
@TenantScoped()
export class Role {
  [OptionalProps]?: 'createdAt' | 'updatedAt' | 'description' | 'permissions';
  @PrimaryKey({ type: 'text' }) id!: string;
  @Property({ type: 'text' }) tenantId!: string;
  @Property({ type: 'text' }) key!: string;
  @Property({ type: 'text' }) name!: string;
  @Property({ type: 'text', nullable: true }) description: string | null = null;
  @Property({ type: 'string[]', columnType: 'text[]' }) permissions: string[] = [];
  @Property({ type: 'datetime', columnType: 'timestamptz' }) createdAt: Date = new Date();
  @Property({ type: 'datetime', columnType: 'timestamptz', onUpdate: () => new Date() }) updatedAt: Date = new Date();
}
