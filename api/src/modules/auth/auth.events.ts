import type { EventCatalogue, EventEnvelope, PreviousAttributes } from '../../core/events/envelope.js';
import type { UserDto } from './auth.dto.js';

/** Occurs when a user signs up or is created by accepting an invitation. */
export interface UserCreatedEvent extends EventEnvelope {
  type: 'user.created';
  data: { object: UserDto };
}
/** Occurs when a user confirms their email address. Sent to every tenant the user belongs to. */
export interface UserEmailVerifiedEvent extends EventEnvelope {
  type: 'user.email_verified';
  data: { object: UserDto; previous_attributes: PreviousAttributes };
}
/** Occurs when a user sets a new password through a reset; every session of theirs is revoked. */
export interface UserPasswordChangedEvent extends EventEnvelope {
  type: 'user.password_changed';
  data: { object: UserDto };
}

export type UserEvent = UserCreatedEvent | UserEmailVerifiedEvent | UserPasswordChangedEvent;

export const userEvents = {
  'user.created': { schema: 'UserCreatedEvent', description: 'A user signed up or was created by accepting an invitation.' },
  'user.email_verified': { schema: 'UserEmailVerifiedEvent', description: 'A user confirmed their email address.' },
  'user.password_changed': { schema: 'UserPasswordChangedEvent', description: 'A user reset their password; their sessions were revoked.' },
} satisfies EventCatalogue<UserEvent>;

declare module '../../core/events/change.js' {
  interface EventRegistry {
    UserEvent: UserEvent;
  }
}
