import type { Request as ExRequest } from 'express';
import { Body, Controller, Delete, Get, OperationId, Path, Post, Query, Request, Response, Route, Security, SuccessResponse, Tags } from '@tsoa/runtime';
import { ctxOf } from '../../core/http/context.js';
import type { List } from '../../core/http/pagination.js';
import type { Problem } from '../../core/http/problem.js';
import type { ApiKeysServices } from './module.js';
import type { ApiKeyCreate, ApiKeyDto, ApiKeyRoll, ApiKeyWithSecret, DeletedApiKey } from './api-keys.dto.js';

@Route('v1/api-keys')
@Tags('API keys')
@Response<Problem>(422, 'Invalid fields')
export class ApiKeysController extends Controller {
  constructor(private readonly services: ApiKeysServices) {
    super();
  }

  /**
   * Creates a secret key with scopes drawn from your own permissions. The secret is in this response only.
   * @summary Create an API key
   */
  @Post()
  @OperationId('createApiKey')
  @SuccessResponse(201, 'Created')
  @Security('apiKey', ['api_keys:write'])
  @Security('session', ['api_keys:write'])
  async createApiKey(@Request() req: ExRequest, @Body() body: ApiKeyCreate): Promise<ApiKeyWithSecret> {
    this.setStatus(201);
    return this.services.apiKeys.create(ctxOf(req), body);
  }

  /**
   * Lists the tenant's active keys (prefix and last four characters only), newest first.
   * @summary List API keys
   * @param limit How many to return, 1 to 100 (default 20).
   * @param starting_after The `next_cursor` of the previous page.
   * @isInt limit
   * @minimum limit 1
   * @maximum limit 100
   * @maxLength starting_after 64
   */
  @Get()
  @OperationId('listApiKeys')
  @Security('apiKey', ['api_keys:read'])
  @Security('session', ['api_keys:read'])
  async listApiKeys(@Request() req: ExRequest, @Query() limit?: number, @Query() starting_after?: string): Promise<List<ApiKeyDto>> {
    return this.services.apiKeys.list(ctxOf(req), { limit, startingAfter: starting_after });
  }

  /**
   * Retrieves an API key (never its secret).
   * @summary Retrieve an API key
   * @maxLength id 64
   */
  @Get('{id}')
  @OperationId('getApiKey')
  @Response<Problem>(404, 'No such API key')
  @Security('apiKey', ['api_keys:read'])
  @Security('session', ['api_keys:read'])
  async getApiKey(@Request() req: ExRequest, @Path() id: string): Promise<ApiKeyDto> {
    return this.services.apiKeys.get(ctxOf(req), id);
  }

  /**
   * Issues a new secret for the key. The previous secret keeps working for `grace_period_seconds` (up to 7 days).
   * @summary Roll an API key
   * @maxLength id 64
   */
  @Post('{id}/roll')
  @OperationId('rollApiKey')
  @Response<Problem>(404, 'No such API key')
  @Security('apiKey', ['api_keys:write'])
  @Security('session', ['api_keys:write'])
  async rollApiKey(@Request() req: ExRequest, @Path() id: string, @Body() body: ApiKeyRoll): Promise<ApiKeyWithSecret> {
    return this.services.apiKeys.roll(ctxOf(req), id, body);
  }

  /**
   * Revokes the key at once.
   * @summary Revoke an API key
   * @maxLength id 64
   */
  @Delete('{id}')
  @OperationId('deleteApiKey')
  @Response<Problem>(404, 'No such API key')
  @Security('apiKey', ['api_keys:write'])
  @Security('session', ['api_keys:write'])
  async deleteApiKey(@Request() req: ExRequest, @Path() id: string): Promise<DeletedApiKey> {
    return this.services.apiKeys.revoke(ctxOf(req), id);
  }
}
