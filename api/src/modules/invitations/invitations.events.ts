import type { EventCatalogue, EventEnvelope, PreviousAttributes } from '../../core/events/envelope.js';
import type { InvitationDto } from './invitations.dto.js';

/** Occurs when an invitation is sent. */
export interface InvitationCreatedEvent extends EventEnvelope {
  type: 'invitation.created';
  data: { object: InvitationDto };
}
/** Occurs when an invitation is accepted. */
export interface InvitationAcceptedEvent extends EventEnvelope {
  type: 'invitation.accepted';
  data: { object: InvitationDto; previous_attributes: PreviousAttributes };
}
/** Occurs when a pending invitation is revoked. */
export interface InvitationRevokedEvent extends EventEnvelope {
  type: 'invitation.revoked';
  data: { object: InvitationDto; previous_attributes: PreviousAttributes };
}

export type InvitationEvent = InvitationCreatedEvent | InvitationAcceptedEvent | InvitationRevokedEvent;

export const invitationEvents = {
  'invitation.created': { schema: 'InvitationCreatedEvent', description: 'An invitation was sent.' },
  'invitation.accepted': { schema: 'InvitationAcceptedEvent', description: 'An invitation was accepted.' },
  'invitation.revoked': { schema: 'InvitationRevokedEvent', description: 'A pending invitation was revoked.' },
} satisfies EventCatalogue<InvitationEvent>;

declare module '../../core/events/change.js' {
  interface EventRegistry {
    InvitationEvent: InvitationEvent;
  }
}
