import type { EventCatalogue, EventEnvelope, PreviousAttributes } from '../../core/events/envelope.js';
import type { MemberDto } from './members.dto.js';

/** Occurs when a user joins the tenant (sign-up or an accepted invitation). */
export interface MemberCreatedEvent extends EventEnvelope {
  type: 'member.created';
  data: { object: MemberDto };
}
/** Occurs when a member's role changes. */
export interface MemberUpdatedEvent extends EventEnvelope {
  type: 'member.updated';
  data: { object: MemberDto; previous_attributes: PreviousAttributes };
}
/** Occurs when a member is removed from the tenant. */
export interface MemberDeletedEvent extends EventEnvelope {
  type: 'member.deleted';
  data: { object: MemberDto };
}

export type MemberEvent = MemberCreatedEvent | MemberUpdatedEvent | MemberDeletedEvent;

export const memberEvents = {
  'member.created': { schema: 'MemberCreatedEvent', description: 'A user joined the tenant.' },
  'member.updated': { schema: 'MemberUpdatedEvent', description: "A member's role changed." },
  'member.deleted': { schema: 'MemberDeletedEvent', description: 'A member was removed from the tenant.' },
} satisfies EventCatalogue<MemberEvent>;
