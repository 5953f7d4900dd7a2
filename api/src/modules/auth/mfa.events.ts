import type { EventCatalogue, EventEnvelope } from '../../core/events/envelope.js';
import type { UserDto } from './auth.dto.js';

/** Occurs when a user turns on two-factor authentication. Sent to every tenant the user belongs to. */
export interface MfaEnrolledEvent extends EventEnvelope {
  type: 'mfa.enrolled';
  data: { object: UserDto };
}
/** Occurs when a user turns off two-factor authentication. */
export interface MfaDisabledEvent extends EventEnvelope {
  type: 'mfa.disabled';
  data: { object: UserDto };
}

export type MfaEvent = MfaEnrolledEvent | MfaDisabledEvent;

export const mfaEvents = {
  'mfa.enrolled': { schema: 'MfaEnrolledEvent', description: 'A user turned on two-factor authentication.' },
  'mfa.disabled': { schema: 'MfaDisabledEvent', description: 'A user turned off two-factor authentication.' },
} satisfies EventCatalogue<MfaEvent>;

declare module '../../core/events/change.js' {
  interface EventRegistry {
    MfaEvent: MfaEvent;
  }
}
