import type { EventCatalogue, EventEnvelope, PreviousAttributes } from '../../core/events/envelope.js';
import type { CustomerDto } from './customers.dto.js';

/** Occurs when a customer is created. */
export interface CustomerCreatedEvent extends EventEnvelope {
  type: 'customer.created';
  data: { object: CustomerDto };
}
/** Occurs when a customer is updated. */
export interface CustomerUpdatedEvent extends EventEnvelope {
  type: 'customer.updated';
  data: { object: CustomerDto; previous_attributes: PreviousAttributes };
}
/** Occurs when a customer is deleted. */
export interface CustomerDeletedEvent extends EventEnvelope {
  type: 'customer.deleted';
  data: { object: CustomerDto };
}

export type CustomerEvent = CustomerCreatedEvent | CustomerUpdatedEvent | CustomerDeletedEvent;

export const customerEvents = {
  'customer.created': { schema: 'CustomerCreatedEvent', description: 'A customer was created.' },
  'customer.updated': { schema: 'CustomerUpdatedEvent', description: 'A customer was updated.' },
  'customer.deleted': { schema: 'CustomerDeletedEvent', description: 'A customer was deleted.' },
} satisfies EventCatalogue<CustomerEvent>;

declare module '../../core/events/change.js' {
  interface EventRegistry {
    CustomerEvent: CustomerEvent;
  }
}
