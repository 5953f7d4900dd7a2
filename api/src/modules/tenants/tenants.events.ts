import type { EventCatalogue, EventEnvelope, PreviousAttributes } from '../../core/events/envelope.js';
import type { TenantDto } from './tenants.dto.js';

/** Occurs when a tenant is created below the acting tenant. */
export interface TenantCreatedEvent extends EventEnvelope {
  type: 'tenant.created';
  data: { object: TenantDto };
}
/** Occurs when a tenant's name, settings or metadata change. */
export interface TenantUpdatedEvent extends EventEnvelope {
  type: 'tenant.updated';
  data: { object: TenantDto; previous_attributes: PreviousAttributes };
}
/** Occurs when a tenant is suspended by its parent. */
export interface TenantSuspendedEvent extends EventEnvelope {
  type: 'tenant.suspended';
  data: { object: TenantDto; previous_attributes: PreviousAttributes };
}
/** Occurs when a suspended tenant is resumed. */
export interface TenantResumedEvent extends EventEnvelope {
  type: 'tenant.resumed';
  data: { object: TenantDto; previous_attributes: PreviousAttributes };
}

export type TenantEvent = TenantCreatedEvent | TenantUpdatedEvent | TenantSuspendedEvent | TenantResumedEvent;

export const tenantEvents = {
  'tenant.created': { schema: 'TenantCreatedEvent', description: 'A tenant was created below the acting tenant.' },
  'tenant.updated': { schema: 'TenantUpdatedEvent', description: "A tenant's name, settings or metadata changed." },
  'tenant.suspended': { schema: 'TenantSuspendedEvent', description: 'A tenant was suspended: its credentials get 403 tenant_suspended.' },
  'tenant.resumed': { schema: 'TenantResumedEvent', description: 'A suspended tenant was resumed.' },
} satisfies EventCatalogue<TenantEvent>;

declare module '../../core/events/change.js' {
  interface EventRegistry {
    TenantEvent: TenantEvent;
  }
}
