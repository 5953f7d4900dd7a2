import type { EventCatalogue, EventEnvelope, PreviousAttributes } from '../../core/events/envelope.js';
import type { WebhookEndpointDto } from './webhooks.dto.js';

/** Occurs when a webhook endpoint is created. */
export interface WebhookEndpointCreatedEvent extends EventEnvelope {
  type: 'webhook_endpoint.created';
  data: { object: WebhookEndpointDto };
}
/** Occurs when a webhook endpoint's URL, filter, description, metadata or enabled flag changes. */
export interface WebhookEndpointUpdatedEvent extends EventEnvelope {
  type: 'webhook_endpoint.updated';
  data: { object: WebhookEndpointDto; previous_attributes: PreviousAttributes };
}
/** Occurs when a webhook endpoint is deleted. */
export interface WebhookEndpointDeletedEvent extends EventEnvelope {
  type: 'webhook_endpoint.deleted';
  data: { object: WebhookEndpointDto };
}
/** Occurs when a webhook endpoint's signing secret is rotated. */
export interface WebhookEndpointSecretRotatedEvent extends EventEnvelope {
  type: 'webhook_endpoint.secret_rotated';
  data: { object: WebhookEndpointDto };
}
/** Occurs when Plinth disables an endpoint that kept failing. */
export interface WebhookEndpointDisabledEvent extends EventEnvelope {
  type: 'webhook_endpoint.disabled';
  data: { object: WebhookEndpointDto; previous_attributes: PreviousAttributes };
}
/** Sent to one endpoint by `POST /v1/webhook-endpoints/{id}/test`. */
export interface WebhookEndpointTestEvent extends EventEnvelope {
  type: 'webhook_endpoint.test';
  data: { object: WebhookEndpointDto };
}

export type WebhookEndpointEvent =
  | WebhookEndpointCreatedEvent
  | WebhookEndpointUpdatedEvent
  | WebhookEndpointDeletedEvent
  | WebhookEndpointSecretRotatedEvent
  | WebhookEndpointDisabledEvent
  | WebhookEndpointTestEvent;

export const webhookEndpointEvents = {
  'webhook_endpoint.created': { schema: 'WebhookEndpointCreatedEvent', description: 'A webhook endpoint was created.' },
  'webhook_endpoint.updated': { schema: 'WebhookEndpointUpdatedEvent', description: 'A webhook endpoint was changed.' },
  'webhook_endpoint.deleted': { schema: 'WebhookEndpointDeletedEvent', description: 'A webhook endpoint was deleted.' },
  'webhook_endpoint.secret_rotated': { schema: 'WebhookEndpointSecretRotatedEvent', description: "A webhook endpoint's signing secret was rotated." },
  'webhook_endpoint.disabled': { schema: 'WebhookEndpointDisabledEvent', description: 'Plinth disabled an endpoint that kept failing.' },
  'webhook_endpoint.test': { schema: 'WebhookEndpointTestEvent', description: 'A test event sent to one endpoint on request.' },
} satisfies EventCatalogue<WebhookEndpointEvent>;

declare module '../../core/events/change.js' {
  interface EventRegistry {
    WebhookEndpointEvent: WebhookEndpointEvent;
  }
}
