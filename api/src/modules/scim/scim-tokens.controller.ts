import type { Request as ExRequest } from 'express';
import { Body, Controller, Delete, Get, OperationId, Path, Post, Query, Request, Response, Route, Security, SuccessResponse, Tags } from '@tsoa/runtime';
import { ctxOf } from '../../core/http/context.js';
import type { List } from '../../core/http/pagination.js';
import type { Problem } from '../../core/http/problem.js';
import type { ScimServices } from './module.js';
import type { DeletedScimToken, ScimTokenCreate, ScimTokenDto, ScimTokenWithSecret } from './scim.dto.js';

@Route('v1/sso/scim-tokens')
@Tags('SSO')
@Response<Problem>(422, 'Invalid fields')
export class ScimTokensController extends Controller {
  constructor(private readonly services: ScimServices) {
    super();
  }

  /**
   * Creates a bearer token for the tenant's SCIM 2.0 endpoint (`scim_base_url`), to paste into the
   * identity provider's provisioning settings. The token is in this response only.
   * @summary Create a SCIM token
   */
  @Post()
  @OperationId('createScimToken')
  @SuccessResponse(201, 'Created')
  @Security('apiKey', ['sso:write'])
  @Security('session', ['sso:write'])
  async createScimToken(@Request() req: ExRequest, @Body() body: ScimTokenCreate): Promise<ScimTokenWithSecret> {
    this.setStatus(201);
    return this.services.scimTokens.create(ctxOf(req), body);
  }

  /**
   * Lists the tenant's live SCIM tokens (never their secrets), newest first.
   * @summary List SCIM tokens
   * @param limit How many to return, 1 to 100 (default 20).
   * @param starting_after The `next_cursor` of the previous page.
   * @isInt limit
   * @minimum limit 1
   * @maximum limit 100
   * @maxLength starting_after 64
   */
  @Get()
  @OperationId('listScimTokens')
  @Security('apiKey', ['sso:read'])
  @Security('session', ['sso:read'])
  async listScimTokens(@Request() req: ExRequest, @Query() limit?: number, @Query() starting_after?: string): Promise<List<ScimTokenDto>> {
    return this.services.scimTokens.list(ctxOf(req), { limit, startingAfter: starting_after });
  }

  /**
   * Revokes a SCIM token at once.
   * @summary Revoke a SCIM token
   * @maxLength id 64
   */
  @Delete('{id}')
  @OperationId('revokeScimToken')
  @Response<Problem>(404, 'No such token')
  @Security('apiKey', ['sso:write'])
  @Security('session', ['sso:write'])
  async revokeScimToken(@Request() req: ExRequest, @Path() id: string): Promise<DeletedScimToken> {
    return this.services.scimTokens.revoke(ctxOf(req), id);
  }
}
