import { OptionalProps } from '@mikro-orm/core';
import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { TenantScoped } from '../../core/db/tenant-filter.js';

/** A secret key. Only a keyed hash of the secret is stored; after a roll the previous hash works until its grace ends. */
@Entity({ tableName: 'api_keys' })
@TenantScoped()
export class ApiKey {
  [OptionalProps]?:
    | 'createdAt'
    | 'updatedAt'
    | 'mode'
    | 'previousSecretHash'
    | 'previousExpiresAt'
    | 'scopes'
    | 'rateLimit'
    | 'expiresAt'
    | 'lastUsedAt'
    | 'revokedAt'
    | 'isRoot'
    | 'createdBy';
  @PrimaryKey({ type: 'text' }) id!: string;
  @Property({ type: 'text' }) tenantId!: string;
  @Property({ type: 'text' }) name!: string;
  @Property({ type: 'text' }) mode: 'live' | 'test' = 'live';
  @Property({ type: 'text' }) last4!: string;
  @Property({ type: 'text', hidden: true }) secretHash!: string;
  @Property({ type: 'text', nullable: true, hidden: true }) previousSecretHash: string | null = null;
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true }) previousExpiresAt: Date | null = null;
  @Property({ type: 'string[]', columnType: 'text[]' }) scopes: string[] = [];
  @Property({ type: 'integer', nullable: true }) rateLimit: number | null = null;
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true }) expiresAt: Date | null = null;
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true }) lastUsedAt: Date | null = null;
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true }) revokedAt: Date | null = null;
  @Property({ type: 'boolean' }) isRoot: boolean = false;
  @Property({ type: 'text', nullable: true }) createdBy: string | null = null;
  @Property({ type: 'datetime', columnType: 'timestamptz' }) createdAt: Date = new Date();
  @Property({ type: 'datetime', columnType: 'timestamptz', onUpdate: () => new Date() }) updatedAt: Date = new Date();
}
