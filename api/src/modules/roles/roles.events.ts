import type { EventCatalogue, EventEnvelope, PreviousAttributes } from '../../core/events/envelope.js';
import type { RoleDto } from './roles.dto.js';

/** Occurs when a custom role is created. */
export interface RoleCreatedEvent extends EventEnvelope {
  type: 'role.created';
  data: { object: RoleDto };
}
/** Occurs when a custom role's name, description or permissions changed. */
export interface RoleUpdatedEvent extends EventEnvelope {
  type: 'role.updated';
  data: { object: RoleDto; previous_attributes: PreviousAttributes };
}
/** Occurs when a custom role is deleted. */
export interface RoleDeletedEvent extends EventEnvelope {
  type: 'role.deleted';
  data: { object: RoleDto };
}

export type RoleEvent = RoleCreatedEvent | RoleUpdatedEvent | RoleDeletedEvent;

export const roleEvents = {
  'role.created': { schema: 'RoleCreatedEvent', description: 'A custom role was created.' },
  'role.updated': { schema: 'RoleUpdatedEvent', description: "A custom role's name, description or permissions changed." },
  'role.deleted': { schema: 'RoleDeletedEvent', description: 'A custom role was deleted.' },
} satisfies EventCatalogue<RoleEvent>;

declare module '../../core/events/change.js' {
  interface EventRegistry {
    RoleEvent: RoleEvent;
  }
}
