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

/** Occurs when an identity provider creates a membership: a first SSO sign-in (just in time) or SCIM. */
export interface MemberProvisionedEvent extends EventEnvelope {
  type: 'member.provisioned';
  data: { object: MemberDto };
}
/** Occurs when an identity provider turns a member off (SCIM `active: false`) or deletes them; their sessions in the tenant end. */
export interface MemberDeprovisionedEvent extends EventEnvelope {
  type: 'member.deprovisioned';
  data: { object: MemberDto };
}

export type MemberEvent = MemberCreatedEvent | MemberUpdatedEvent | MemberDeletedEvent | MemberProvisionedEvent | MemberDeprovisionedEvent;

export const memberEvents = {
  'member.created': { schema: 'MemberCreatedEvent', description: 'A user joined the tenant.' },
  'member.updated': { schema: 'MemberUpdatedEvent', description: "A member's role changed." },
  'member.deleted': { schema: 'MemberDeletedEvent', description: 'A member was removed from the tenant.' },
  'member.provisioned': { schema: 'MemberProvisionedEvent', description: 'An identity provider created a membership (SSO just in time, or SCIM).' },
  'member.deprovisioned': { schema: 'MemberDeprovisionedEvent', description: 'An identity provider deactivated or deleted a member; their sessions ended.' },
} satisfies EventCatalogue<MemberEvent>;

declare module '../../core/events/change.js' {
  interface EventRegistry {
    MemberEvent: MemberEvent;
  }
}
