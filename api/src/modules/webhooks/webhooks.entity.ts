import { OptionalProps } from '@mikro-orm/core';
import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { TenantScoped } from '../../core/db/tenant-filter.js';

/** A customer's HTTPS receiver. The signing secrets are sealed (AES-GCM), never stored in clear. */
@Entity({ tableName: 'webhook_endpoints' })
@TenantScoped()
export class WebhookEndpoint {
  [OptionalProps]?:
    'createdAt' | 'updatedAt' | 'description' | 'enabled' | 'metadata' | 'previousSecretEnc' | 'previousSecretExpiresAt' | 'disabledReason' | 'failingSince';
  @PrimaryKey({ type: 'text' }) id!: string;
  @Property({ type: 'text' }) tenantId!: string;
  @Property({ type: 'text' }) url!: string;
  @Property({ type: 'text', nullable: true }) description: string | null = null;
  @Property({ type: 'boolean' }) enabled: boolean = true;
  @Property({ type: 'string[]', columnType: 'text[]' }) eventTypes!: string[];
  @Property({ type: 'json' }) metadata: Record<string, string> = {};
  @Property({ type: 'text' }) secretEnc!: string;
  @Property({ type: 'text', nullable: true }) previousSecretEnc: string | null = null;
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true }) previousSecretExpiresAt: Date | null = null;
  @Property({ type: 'text', nullable: true }) disabledReason: string | null = null;
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true }) failingSince: Date | null = null;
  @Property({ type: 'datetime', columnType: 'timestamptz' }) createdAt: Date = new Date();
  @Property({ type: 'datetime', columnType: 'timestamptz', onUpdate: () => new Date() }) updatedAt: Date = new Date();
}

export interface AttemptRecord {
  attempted_at: string;
  status_code: number | null;
  duration_ms: number;
  response_excerpt: string | null;
  error: string | null;
}

/** One event for one endpoint: its attempts so far and what happens next. */
@Entity({ tableName: 'webhook_deliveries' })
@TenantScoped()
export class WebhookDelivery {
  [OptionalProps]?:
    'createdAt' | 'updatedAt' | 'attemptCount' | 'nextAttemptAt' | 'jobToken' | 'lastStatusCode' | 'lastDurationMs' | 'lastResponse' | 'lastError' | 'attempts';
  @PrimaryKey({ type: 'text' }) id!: string;
  @Property({ type: 'text' }) tenantId!: string;
  @Property({ type: 'text' }) endpointId!: string;
  @Property({ type: 'text' }) eventId!: string;
  @Property({ type: 'text' }) status!: 'pending' | 'succeeded' | 'failed';
  @Property({ type: 'integer' }) attemptCount: number = 0;
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true }) nextAttemptAt: Date | null = null;
  @Property({ type: 'text', nullable: true }) jobToken: string | null = null;
  @Property({ type: 'integer', nullable: true }) lastStatusCode: number | null = null;
  @Property({ type: 'integer', nullable: true }) lastDurationMs: number | null = null;
  @Property({ type: 'text', nullable: true }) lastResponse: string | null = null;
  @Property({ type: 'text', nullable: true }) lastError: string | null = null;
  @Property({ type: 'json' }) attempts: AttemptRecord[] = [];
  @Property({ type: 'datetime', columnType: 'timestamptz' }) createdAt: Date = new Date();
  @Property({ type: 'datetime', columnType: 'timestamptz', onUpdate: () => new Date() }) updatedAt: Date = new Date();
}
