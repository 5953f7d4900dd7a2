import type { Request as ExRequest } from 'express';
import { Controller, Get, OperationId, Path, Query, Request, Response, Route, Security, Tags } from '@tsoa/runtime';
import { ctxOf } from '../../core/http/context.js';
import type { List } from '../../core/http/pagination.js';
import type { Problem } from '../../core/http/problem.js';
import type { EventsServices } from './module.js';
import type { PlinthEvent } from './catalogue.js';
import type { EventTypeList } from './events.service.js';

@Route('v1')
@Tags('Events')
@Response<Problem>(422, 'Invalid fields')
export class EventsController extends Controller {
  constructor(private readonly services: EventsServices) {
    super();
  }

  /**
   * Lists the tenant's events, newest first. Events are kept for 30 days (EVENT_RETENTION_DAYS).
   * @summary List events
   * @param limit How many to return, 1 to 100 (default 20).
   * @param starting_after The `next_cursor` of the previous page.
   * @param type An event type (`customer.created`) or a prefix wildcard (`customer.*`).
   * @param created_gte Only events created at or after this time.
   * @maxLength created_gte 40
   * @param created_lt Only events created before this time.
   * @maxLength created_lt 40
   * @isInt limit
   * @minimum limit 1
   * @maximum limit 100
   * @maxLength starting_after 64
   * @maxLength type 100
   */
  @Get('events')
  @OperationId('listEvents')
  @Security('apiKey', ['events:read'])
  @Security('session', ['events:read'])
  async listEvents(
    @Request() req: ExRequest,
    @Query() limit?: number,
    @Query() starting_after?: string,
    @Query() type?: string,
    @Query() created_gte?: Date,
    @Query() created_lt?: Date,
  ): Promise<List<PlinthEvent>> {
    return this.services.events.list(ctxOf(req), { limit, startingAfter: starting_after, type, createdGte: created_gte, createdLt: created_lt });
  }

  /**
   * Retrieves an event.
   * @summary Retrieve an event
   * @maxLength id 64
   */
  @Get('events/{id}')
  @OperationId('getEvent')
  @Response<Problem>(404, 'No such event')
  @Security('apiKey', ['events:read'])
  @Security('session', ['events:read'])
  async getEvent(@Request() req: ExRequest, @Path() id: string): Promise<PlinthEvent> {
    return this.services.events.get(ctxOf(req), id);
  }

  /**
   * Lists every event type with its description and JSON Schema.
   * @summary List event types
   */
  @Get('event-types')
  @OperationId('listEventTypes')
  @Security('apiKey', ['events:read'])
  @Security('session', ['events:read'])
  async listEventTypes(@Request() req: ExRequest): Promise<EventTypeList> {
    return this.services.events.eventTypes(ctxOf(req));
  }
}
