import type { Metadata } from '../../core/http/validation.js';
import type { WebhookDelivery, WebhookEndpoint } from './webhooks.entity.js';

export interface WebhookEndpointDto {
  /** @example "we_01JDA4Y7Q5X3M8N2P6R9T0V1W2" */
  id: string;
  object: 'webhook_endpoint';
  /** @example "https://example.com/webhooks/plinth" */
  url: string;
  /** @example "Order sync" */
  description: string | null;
  /** Disabled endpoints receive nothing; Plinth disables an endpoint that keeps failing (see `disabled_reason`). */
  enabled: boolean;
  /** Why Plinth disabled the endpoint, when it did. */
  disabled_reason: string | null;
  /**
   * Event types sent to this endpoint: exact types, wildcards such as `customer.*`, or `*` for all.
   * @example ["customer.*", "member.created"]
   */
  event_types: string[];
  metadata: Metadata;
  /** @example "2026-11-22T10:00:00.000Z" */
  created_at: string;
  updated_at: string;
}

/** Returned on creation and rotation only: the signing secret is never shown again. */
export interface WebhookEndpointWithSecret extends WebhookEndpointDto {
  /**
   * Verify signatures with it (Standard Webhooks; the `svix` and `standardwebhooks` libraries accept it as is).
   * @example "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
   */
  secret: string;
}

/**
 * An event type (`customer.created`), a prefix wildcard (`customer.*`) or `*`.
 * @example "customer.*"
 * @maxLength 100
 * @pattern ^(\*|[a-z_]+(\.[a-z_]+)*(\.\*)?)$
 */
export type EventTypeFilter = string;

export interface WebhookEndpointCreate {
  /**
   * An https (or http) URL. Loopback, private and link-local addresses are refused.
   * @pattern ^https?://
   * @maxLength 2048
   * @example "https://example.com/webhooks/plinth"
   */
  url: string;
  /**
   * @maxLength 500
   * @example "Order sync"
   */
  description?: string;
  /**
   * Exact event types (`customer.created`), wildcards (`customer.*`) or `*`.
   * @minItems 1
   * @maxItems 100
   * @example ["customer.*"]
   */
  event_types: EventTypeFilter[];
  /** Default true. */
  enabled?: boolean;
  metadata?: Metadata;
}

export interface WebhookEndpointUpdate {
  /**
   * @pattern ^https?://
   * @maxLength 2048
   * @example "https://example.com/webhooks/plinth-v2"
   */
  url?: string;
  /** @maxLength 500 */
  description?: string | null;
  /**
   * @minItems 1
   * @maxItems 100
   */
  event_types?: EventTypeFilter[];
  /** Re-enabling an endpoint that Plinth disabled clears `disabled_reason`. */
  enabled?: boolean;
  metadata?: Metadata;
}

export interface WebhookTest {
  /**
   * The type the test event carries; default `webhook_endpoint.test`.
   * @example "webhook_endpoint.test"
   */
  event_type?: 'webhook_endpoint.test';
}

export interface WebhookReplay {
  /**
   * Re-send every event from this time (inclusive) that the endpoint subscribes to.
   * @maxLength 40
   */
  since: Date;
  /**
   * Up to this time (exclusive); default now.
   * @maxLength 40
   */
  until?: Date;
}

export interface WebhookReplayResult {
  object: 'webhook_replay';
  endpoint_id: string;
  /** How many deliveries were queued. */
  queued: number;
}

export interface WebhookPortalSession {
  object: 'webhook_portal_session';
  /** A link to the Svix app portal for this tenant; open it in a browser. */
  url: string;
}

export interface DeletedWebhookEndpoint {
  id: string;
  object: 'webhook_endpoint';
  deleted: true;
}

export interface WebhookAttempt {
  /** @example "2026-11-22T10:00:00.000Z" */
  attempted_at: string;
  /** The receiver's HTTP status; null when no response came (timeout, refused, DNS). */
  status_code: number | null;
  duration_ms: number;
  /** The first 1 KB of the response body. */
  response_excerpt: string | null;
  /** Why the attempt failed without a response. */
  error: string | null;
}

export interface WebhookDeliveryDto {
  /** @example "wd_01JDA4Y7Q5X3M8N2P6R9T0V1W2" */
  id: string;
  object: 'webhook_delivery';
  endpoint_id: string;
  event_id: string;
  /** @example "customer.created" */
  event_type: string;
  /** `pending` until a 2xx arrives (`succeeded`) or the retry schedule is used up (`failed`). */
  status: 'pending' | 'succeeded' | 'failed';
  attempt_count: number;
  /** When the next attempt is due; null when none is scheduled. */
  next_attempt_at: string | null;
  last_status_code: number | null;
  last_duration_ms: number | null;
  last_response_excerpt: string | null;
  last_error: string | null;
  attempts: WebhookAttempt[];
  created_at: string;
  updated_at: string;
}

export function toEndpointDto(e: WebhookEndpoint): WebhookEndpointDto {
  return {
    id: e.id,
    object: 'webhook_endpoint',
    url: e.url,
    description: e.description,
    enabled: e.enabled,
    disabled_reason: e.disabledReason,
    event_types: e.eventTypes,
    metadata: e.metadata,
    created_at: e.createdAt.toISOString(),
    updated_at: e.updatedAt.toISOString(),
  };
}

export function toDeliveryDto(d: WebhookDelivery, eventType: string): WebhookDeliveryDto {
  return {
    id: d.id,
    object: 'webhook_delivery',
    endpoint_id: d.endpointId,
    event_id: d.eventId,
    event_type: eventType,
    status: d.status,
    attempt_count: d.attemptCount,
    next_attempt_at: d.nextAttemptAt?.toISOString() ?? null,
    last_status_code: d.lastStatusCode,
    last_duration_ms: d.lastDurationMs,
    last_response_excerpt: d.lastResponse,
    last_error: d.lastError,
    attempts: d.attempts,
    created_at: d.createdAt.toISOString(),
    updated_at: d.updatedAt.toISOString(),
  };
}
