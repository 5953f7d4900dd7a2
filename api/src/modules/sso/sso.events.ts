import type { EventCatalogue, EventEnvelope, PreviousAttributes } from '../../core/events/envelope.js';
import type { SsoConnectionDto } from './sso.dto.js';

/** One SSO sign-in attempt, as `sso.login.*` events carry it. */
export interface SsoLoginDto {
  /** @example "ssl_01JDA4Y7Q5X3M8N2P6R9T0V1W2" */
  id: string;
  object: 'sso_login';
  /** @example "conn_01JDA4Y7Q5X3M8N2P6R9T0V1W2" */
  connection_id: string;
  connection_type: 'saml' | 'oidc';
  outcome: 'succeeded' | 'failed';
  /** The user signed in; null when the attempt failed before a user was known. */
  user_id: string | null;
  /** The email the IdP asserted, when it got that far. */
  email: string | null;
  /** Why the attempt failed: the problem's `code`, e.g. `saml_invalid_signature`. Null on success. */
  reason: string | null;
  /** A sentence about the failure. Null on success. */
  detail: string | null;
  /** Whether this sign-in created the user's membership (just-in-time provisioning). */
  provisioned: boolean;
  created_at: string;
}

/** Occurs when an SSO connection is created. */
export interface SsoConnectionCreatedEvent extends EventEnvelope {
  type: 'sso_connection.created';
  data: { object: SsoConnectionDto };
}
/** Occurs when an SSO connection changes. */
export interface SsoConnectionUpdatedEvent extends EventEnvelope {
  type: 'sso_connection.updated';
  data: { object: SsoConnectionDto; previous_attributes: PreviousAttributes };
}
/** Occurs when an SSO connection is deleted. */
export interface SsoConnectionDeletedEvent extends EventEnvelope {
  type: 'sso_connection.deleted';
  data: { object: SsoConnectionDto };
}
/** Occurs when a user signs in through an SSO connection (the code is issued to the redirect URI). */
export interface SsoLoginSucceededEvent extends EventEnvelope {
  type: 'sso.login.succeeded';
  data: { object: SsoLoginDto };
}
/** Occurs when an SSO sign-in is refused; `reason` says why. */
export interface SsoLoginFailedEvent extends EventEnvelope {
  type: 'sso.login.failed';
  data: { object: SsoLoginDto };
}

export type SsoEvent = SsoConnectionCreatedEvent | SsoConnectionUpdatedEvent | SsoConnectionDeletedEvent | SsoLoginSucceededEvent | SsoLoginFailedEvent;

export const ssoEvents = {
  'sso_connection.created': { schema: 'SsoConnectionCreatedEvent', description: 'An SSO connection was created.' },
  'sso_connection.updated': { schema: 'SsoConnectionUpdatedEvent', description: 'An SSO connection changed.' },
  'sso_connection.deleted': { schema: 'SsoConnectionDeletedEvent', description: 'An SSO connection was deleted.' },
  'sso.login.succeeded': { schema: 'SsoLoginSucceededEvent', description: 'A user signed in through SSO.' },
  'sso.login.failed': { schema: 'SsoLoginFailedEvent', description: 'An SSO sign-in was refused, with the reason.' },
} satisfies EventCatalogue<SsoEvent>;

declare module '../../core/events/change.js' {
  interface EventRegistry {
    SsoEvent: SsoEvent;
  }
}
