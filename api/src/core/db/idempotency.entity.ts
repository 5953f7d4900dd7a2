import { OptionalProps } from '@mikro-orm/core';
import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { TenantScoped } from './tenant-filter.js';

@Entity({ tableName: 'idempotency_keys' })
@TenantScoped()
export class IdempotencyKey {
  [OptionalProps]?: 'createdAt' | 'status' | 'responseStatus' | 'responseBody';
  @PrimaryKey({ type: 'text' }) tenantId!: string;
  @PrimaryKey({ type: 'text' }) key!: string;
  @Property({ type: 'text' }) requestHash!: string;
  @Property({ type: 'text' }) status: 'running' | 'done' = 'running';
  @Property({ type: 'integer', nullable: true }) responseStatus: number | null = null;
  @Property({ type: 'json', nullable: true }) responseBody: unknown = null;
  @Property({ type: 'datetime', columnType: 'timestamptz' }) createdAt: Date = new Date();
}
