/** The fields every event shares; each event type adds `type` and `data`. */
export interface EventEnvelope {
  /** @example "evt_01JDA4Y7Q5X3M8N2P6R9T0V1W2" */
  id: string;
  object: 'event';
  /** @example "2026-11-22T10:00:00.000Z" */
  created_at: string;
  /** @example "ten_01JDA4Y7Q5X3M8N2P6R9T0V1W2" */
  tenant_id: string;
  /** The API request that caused the event; `id` is null when Plinth itself acted. */
  request: { id: string | null };
}

export interface EventTypeInfo {
  /** The event's schema in `openapi.json` `components.schemas`. */
  schema: string;
  description: string;
}

/** A module's event types: the compiler checks it names every member of the module's event union. */
export type EventCatalogue<E extends { type: string }> = { [K in E['type']]: EventTypeInfo };

/**
 * For updates: the changed fields' values before the change (fields of `data.object`).
 * @example { "name": "Ada", "email": null }
 */
export interface PreviousAttributes {
  [field: string]: unknown;
}

/** An `events` row as the outbox stores it. */
export interface EventRow {
  id: string;
  tenant_id: string;
  type: string;
  created_at: Date | string;
  data: unknown;
  request_id: string | null;
}

/** The event as the API returns it and as webhooks carry it. */
export function toEventDto(row: EventRow): EventEnvelope & { type: string; data: unknown } {
  return {
    id: row.id,
    object: 'event',
    type: row.type,
    created_at: new Date(row.created_at).toISOString(),
    tenant_id: row.tenant_id,
    request: { id: row.request_id },
    data: row.data,
  };
}
