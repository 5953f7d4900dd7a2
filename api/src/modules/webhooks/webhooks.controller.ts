import type { Request as ExRequest } from 'express';
import { Body, Controller, Delete, Get, OperationId, Patch, Path, Post, Query, Request, Response, Route, Security, SuccessResponse, Tags } from '@tsoa/runtime';
import { ctxOf } from '../../core/http/context.js';
import type { List } from '../../core/http/pagination.js';
import type { Problem } from '../../core/http/problem.js';
import type { WebhooksServices } from './module.js';
import type {
  DeletedWebhookEndpoint,
  WebhookDeliveryDto,
  WebhookEndpointCreate,
  WebhookEndpointDto,
  WebhookEndpointUpdate,
  WebhookEndpointWithSecret,
  WebhookPortalSession,
  WebhookReplay,
  WebhookReplayResult,
} from './webhooks.dto.js';

@Route('v1')
@Tags('Webhooks')
@Response<Problem>(422, 'Invalid fields')
export class WebhooksController extends Controller {
  constructor(private readonly services: WebhooksServices) {
    super();
  }

  /**
   * Creates an endpoint that receives the events it subscribes to, signed with Standard Webhooks
   * headers. The signing secret is in this response only.
   * @summary Create a webhook endpoint
   */
  @Post('webhook-endpoints')
  @OperationId('createWebhookEndpoint')
  @SuccessResponse(201, 'Created')
  @Response<Problem>(409, 'A request with the same Idempotency-Key is in progress')
  @Response<Problem>(502, 'The Svix backend did not accept the change')
  @Security('apiKey', ['webhooks:write'])
  @Security('session', ['webhooks:write'])
  async createWebhookEndpoint(@Request() req: ExRequest, @Body() body: WebhookEndpointCreate): Promise<WebhookEndpointWithSecret> {
    this.setStatus(201);
    return this.services.webhooks.create(ctxOf(req), body);
  }

  /**
   * Lists webhook endpoints, newest first.
   * @summary List webhook endpoints
   * @param limit How many to return, 1 to 100 (default 20).
   * @param starting_after The `next_cursor` of the previous page.
   * @isInt limit
   * @minimum limit 1
   * @maximum limit 100
   * @maxLength starting_after 64
   */
  @Get('webhook-endpoints')
  @OperationId('listWebhookEndpoints')
  @Security('apiKey', ['webhooks:read'])
  @Security('session', ['webhooks:read'])
  async listWebhookEndpoints(@Request() req: ExRequest, @Query() limit?: number, @Query() starting_after?: string): Promise<List<WebhookEndpointDto>> {
    return this.services.webhooks.list(ctxOf(req), { limit, startingAfter: starting_after });
  }

  /**
   * Returns a link to the Svix app portal for this tenant (Svix backend only).
   * @summary Open the webhook portal
   */
  @Post('webhook-endpoints/portal-session')
  @OperationId('createWebhookPortalSession')
  @Response<Problem>(409, 'The built-in dispatcher has no hosted portal')
  @Response<Problem>(502, 'Svix is unavailable')
  @Security('apiKey', ['webhooks:write'])
  @Security('session', ['webhooks:write'])
  async createWebhookPortalSession(@Request() req: ExRequest): Promise<WebhookPortalSession> {
    return this.services.webhooks.portalSession(ctxOf(req));
  }

  /**
   * Retrieves a webhook endpoint.
   * @summary Retrieve a webhook endpoint
   * @maxLength id 64
   */
  @Get('webhook-endpoints/{id}')
  @OperationId('getWebhookEndpoint')
  @Response<Problem>(404, 'No such webhook endpoint')
  @Security('apiKey', ['webhooks:read'])
  @Security('session', ['webhooks:read'])
  async getWebhookEndpoint(@Request() req: ExRequest, @Path() id: string): Promise<WebhookEndpointDto> {
    return this.services.webhooks.get(ctxOf(req), id);
  }

  /**
   * Updates a webhook endpoint. Re-enabling an endpoint Plinth disabled clears its failure state.
   * @summary Update a webhook endpoint
   * @maxLength id 64
   */
  @Patch('webhook-endpoints/{id}')
  @OperationId('updateWebhookEndpoint')
  @Response<Problem>(404, 'No such webhook endpoint')
  @Response<Problem>(502, 'The Svix backend did not accept the change')
  @Security('apiKey', ['webhooks:write'])
  @Security('session', ['webhooks:write'])
  async updateWebhookEndpoint(@Request() req: ExRequest, @Path() id: string, @Body() body: WebhookEndpointUpdate): Promise<WebhookEndpointDto> {
    return this.services.webhooks.update(ctxOf(req), id, body);
  }

  /**
   * Deletes a webhook endpoint and its pending deliveries.
   * @summary Delete a webhook endpoint
   * @maxLength id 64
   */
  @Delete('webhook-endpoints/{id}')
  @OperationId('deleteWebhookEndpoint')
  @Response<Problem>(404, 'No such webhook endpoint')
  @Response<Problem>(502, 'The Svix backend did not accept the change')
  @Security('apiKey', ['webhooks:write'])
  @Security('session', ['webhooks:write'])
  async deleteWebhookEndpoint(@Request() req: ExRequest, @Path() id: string): Promise<DeletedWebhookEndpoint> {
    return this.services.webhooks.delete(ctxOf(req), id);
  }

  /**
   * Replaces the signing secret. For 24 hours every delivery carries a signature with the new secret
   * and one with the previous secret, so receivers holding either verify.
   * @summary Rotate a webhook endpoint's secret
   * @maxLength id 64
   */
  @Post('webhook-endpoints/{id}/rotate-secret')
  @OperationId('rotateWebhookEndpointSecret')
  @Response<Problem>(404, 'No such webhook endpoint')
  @Response<Problem>(502, 'The Svix backend did not accept the change')
  @Security('apiKey', ['webhooks:write'])
  @Security('session', ['webhooks:write'])
  async rotateWebhookEndpointSecret(@Request() req: ExRequest, @Path() id: string): Promise<WebhookEndpointWithSecret> {
    return this.services.webhooks.rotateSecret(ctxOf(req), id);
  }

  /**
   * Sends a `webhook_endpoint.test` event to this endpoint alone and returns its delivery.
   * @summary Send a test event
   * @maxLength id 64
   */
  @Post('webhook-endpoints/{id}/test')
  @OperationId('testWebhookEndpoint')
  @SuccessResponse(202, 'Queued')
  @Response<Problem>(404, 'No such webhook endpoint')
  @Response<Problem>(409, 'The endpoint is disabled, or deliveries are managed by Svix')
  @Security('apiKey', ['webhooks:write'])
  @Security('session', ['webhooks:write'])
  async testWebhookEndpoint(@Request() req: ExRequest, @Path() id: string): Promise<WebhookDeliveryDto> {
    this.setStatus(202);
    return this.services.webhooks.test(ctxOf(req), id);
  }

  /**
   * Lists the endpoint's deliveries, newest first, with every attempt (status code, duration,
   * response excerpt) and the next retry.
   * @summary List deliveries
   * @param limit How many to return, 1 to 100 (default 20).
   * @param starting_after The `next_cursor` of the previous page.
   * @param status Only deliveries with this status.
   * @maxLength id 64
   * @isInt limit
   * @minimum limit 1
   * @maximum limit 100
   * @maxLength starting_after 64
   */
  @Get('webhook-endpoints/{id}/deliveries')
  @OperationId('listWebhookDeliveries')
  @Response<Problem>(404, 'No such webhook endpoint')
  @Security('apiKey', ['webhooks:read'])
  @Security('session', ['webhooks:read'])
  async listWebhookDeliveries(
    @Request() req: ExRequest,
    @Path() id: string,
    @Query() limit?: number,
    @Query() starting_after?: string,
    @Query() status?: 'pending' | 'succeeded' | 'failed',
  ): Promise<List<WebhookDeliveryDto>> {
    return this.services.webhooks.deliveries(ctxOf(req), id, { limit, startingAfter: starting_after, status });
  }

  /**
   * Re-sends events from a time range (up to 10,000) that the endpoint subscribes to.
   * @summary Replay events to an endpoint
   * @maxLength id 64
   */
  @Post('webhook-endpoints/{id}/replay')
  @OperationId('replayWebhookEndpoint')
  @SuccessResponse(202, 'Queued')
  @Response<Problem>(404, 'No such webhook endpoint')
  @Response<Problem>(409, 'The endpoint is disabled')
  @Security('apiKey', ['webhooks:write'])
  @Security('session', ['webhooks:write'])
  async replayWebhookEndpoint(@Request() req: ExRequest, @Path() id: string, @Body() body: WebhookReplay): Promise<WebhookReplayResult> {
    this.setStatus(202);
    return this.services.webhooks.replay(ctxOf(req), id, body);
  }

  /**
   * Sends a delivery again now, whatever its status.
   * @summary Retry a delivery
   * @maxLength id 64
   */
  @Post('webhook-deliveries/{id}/retry')
  @OperationId('retryWebhookDelivery')
  @SuccessResponse(202, 'Queued')
  @Response<Problem>(404, 'No such delivery')
  @Response<Problem>(409, 'The endpoint is disabled, or deliveries are managed by Svix')
  @Security('apiKey', ['webhooks:write'])
  @Security('session', ['webhooks:write'])
  async retryWebhookDelivery(@Request() req: ExRequest, @Path() id: string): Promise<WebhookDeliveryDto> {
    this.setStatus(202);
    return this.services.webhooks.retry(ctxOf(req), id);
  }
}
