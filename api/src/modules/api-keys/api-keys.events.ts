import type { EventCatalogue, EventEnvelope, PreviousAttributes } from '../../core/events/envelope.js';
import type { ApiKeyDto } from './api-keys.dto.js';

/** Occurs when an API key is created. */
export interface ApiKeyCreatedEvent extends EventEnvelope {
  type: 'api_key.created';
  data: { object: ApiKeyDto };
}
/** Occurs when an API key is given a new secret. */
export interface ApiKeyRolledEvent extends EventEnvelope {
  type: 'api_key.rolled';
  data: { object: ApiKeyDto; previous_attributes: PreviousAttributes };
}
/** Occurs when an API key is revoked. */
export interface ApiKeyRevokedEvent extends EventEnvelope {
  type: 'api_key.revoked';
  data: { object: ApiKeyDto };
}

export type ApiKeyEvent = ApiKeyCreatedEvent | ApiKeyRolledEvent | ApiKeyRevokedEvent;

export const apiKeyEvents = {
  'api_key.created': { schema: 'ApiKeyCreatedEvent', description: 'An API key was created.' },
  'api_key.rolled': { schema: 'ApiKeyRolledEvent', description: 'An API key was given a new secret.' },
  'api_key.revoked': { schema: 'ApiKeyRevokedEvent', description: 'An API key was revoked.' },
} satisfies EventCatalogue<ApiKeyEvent>;

declare module '../../core/events/change.js' {
  interface EventRegistry {
    ApiKeyEvent: ApiKeyEvent;
  }
}
