import { authorize, type Ctx } from '../../core/auth/principal.js';
import { nameFilter } from '../../core/db/sql.js';
import type { Deps } from '../../core/deps.js';
import { inTenant } from '../../core/db/unit-of-work.js';
import { badRequest, notFound } from '../../core/http/errors.js';
import { pageParams, toList, type List } from '../../core/http/pagination.js';
import { isId } from '../../core/ids.js';
import { resolvedSchema } from '../../core/spec.js';
import { toEventDto, type EventRow } from '../../core/events/envelope.js';
import type { PlinthEvent } from './catalogue.js';
import { eventById, eventsNewestFirst } from './events.repository.js';

/** The event as the API returns it and as webhooks carry it. */
export function toPlinthEvent(row: EventRow): PlinthEvent {
  return toEventDto(row) as PlinthEvent;
}

export interface EventTypeDto {
  object: 'event_type';
  /** @example "customer.created" */
  type: string;
  description: string;
  /** The name of the event's schema in `openapi.json` `components.schemas`. */
  schema_name: string;
  /** The event's JSON Schema, with references inlined. */
  schema: unknown;
}

export interface EventTypeList {
  object: 'list';
  data: EventTypeDto[];
  has_more: false;
  next_cursor: null;
}

export class EventsService {
  constructor(private readonly deps: Deps) {}

  async list(ctx: Ctx, query: { limit?: number; startingAfter?: string; type?: string; createdGte?: Date; createdLt?: Date }): Promise<List<PlinthEvent>> {
    const grant = authorize(ctx, 'events:read');
    const page = pageParams(query.limit, query.startingAfter);
    if (query.createdGte && query.createdLt && query.createdGte >= query.createdLt) {
      throw badRequest('invalid_range', 'created_gte must be earlier than created_lt.');
    }
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      where.push(sql);
      params.push(value);
    };
    if (page.startingAfter) add('id < ?', page.startingAfter);
    if (query.type) {
      const { sql, value } = nameFilter('type', query.type);
      add(sql, value);
    }
    if (query.createdGte) add('created_at >= ?', query.createdGte.toISOString());
    if (query.createdLt) add('created_at < ?', query.createdLt.toISOString());
    return inTenant(this.deps.orm, grant, async (em) => {
      const rows = await eventsNewestFirst(em, where, params, page.limit + 1);
      return toList(rows, page, toPlinthEvent);
    });
  }

  async get(ctx: Ctx, id: string): Promise<PlinthEvent> {
    const grant = authorize(ctx, 'events:read');
    return inTenant(this.deps.orm, grant, async (em) => {
      const row = isId('event', id) ? await eventById(em, id) : undefined;
      if (!row) throw notFound('event', id);
      return toPlinthEvent(row);
    });
  }

  /** The catalogue, with each type's JSON Schema from the published contract. */
  eventTypes(ctx: Ctx): EventTypeList {
    authorize(ctx, 'events:read');
    const { events, eventTypes } = this.deps.registry;
    const data = eventTypes.map((type): EventTypeDto => {
      const info = events[type]!;
      return { object: 'event_type', type, description: info.description, schema_name: info.schema, schema: resolvedSchema(info.schema) ?? null };
    });
    return { object: 'list', data, has_more: false, next_cursor: null };
  }
}
