import { OptionalProps } from '@mikro-orm/core';
import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { TenantScoped } from '../../core/db/tenant-filter.js';

@Entity({ tableName: 'customers' })
@TenantScoped()
export class Customer {
  [OptionalProps]?: 'createdAt' | 'updatedAt' | 'name' | 'email' | 'phone' | 'company' | 'metadata';
  @PrimaryKey({ type: 'text' }) id!: string;
  @Property({ type: 'text' }) tenantId!: string;
  @Property({ type: 'text', nullable: true }) name: string | null = null;
  @Property({ type: 'text', nullable: true }) email: string | null = null;
  @Property({ type: 'text', nullable: true }) phone: string | null = null;
  @Property({ type: 'text', nullable: true }) company: string | null = null;
  @Property({ type: 'json' }) metadata: Record<string, string> = {};
  @Property({ type: 'datetime', columnType: 'timestamptz' }) createdAt: Date = new Date();
  @Property({ type: 'datetime', columnType: 'timestamptz', onUpdate: () => new Date() }) updatedAt: Date = new Date();
}
