import type { Request as ExRequest } from 'express';
import {
  Body,
  Controller,
  Delete,
  Get,
  NoSecurity,
  OperationId,
  Path,
  Post,
  Query,
  Request,
  Response,
  Route,
  Security,
  SuccessResponse,
  Tags,
} from '@tsoa/runtime';
import { ctxOf } from '../../core/http/context.js';
import type { List } from '../../core/http/pagination.js';
import type { Problem } from '../../core/http/problem.js';
import type { InvitationsServices } from './module.js';
import { clientOf } from '../../core/http/context.js';
import type { AuthTokens } from '../auth/index.js';
import type { InvitationAccept, InvitationCreate, InvitationDto, InvitationWithToken } from './invitations.dto.js';

@Route('v1/invitations')
@Tags('Invitations')
@Response<Problem>(401, 'Missing or invalid credentials')
@Response<Problem>(403, 'Missing permission or tenant suspended')
@Response<Problem>(422, 'Invalid fields')
export class InvitationsController extends Controller {
  constructor(private readonly services: InvitationsServices) {
    super();
  }

  /**
   * Invites someone by email with a role. The invitation expires after 7 days; its token is returned
   * once and emailed.
   * @summary Create an invitation
   */
  @Post()
  @OperationId('createInvitation')
  @SuccessResponse(201, 'Created')
  @Response<Problem>(409, 'Already a member or already invited')
  @Security('apiKey', ['invitations:write'])
  @Security('session', ['invitations:write'])
  async createInvitation(@Request() req: ExRequest, @Body() body: InvitationCreate): Promise<InvitationWithToken> {
    this.setStatus(201);
    return this.services.invitations.create(ctxOf(req), body);
  }

  /**
   * Lists invitations, newest first.
   * @summary List invitations
   * @param limit How many to return, 1 to 100 (default 20).
   * @param starting_after The `next_cursor` of the previous page.
   * @isInt limit
   * @minimum limit 1
   * @maximum limit 100
   * @maxLength starting_after 64
   */
  @Get()
  @OperationId('listInvitations')
  @Security('apiKey', ['invitations:read'])
  @Security('session', ['invitations:read'])
  async listInvitations(@Request() req: ExRequest, @Query() limit?: number, @Query() starting_after?: string): Promise<List<InvitationDto>> {
    return this.services.invitations.list(ctxOf(req), { limit, startingAfter: starting_after });
  }

  /**
   * Revokes a pending invitation.
   * @summary Revoke an invitation
   * @maxLength id 64
   */
  @Delete('{id}')
  @OperationId('deleteInvitation')
  @Response<Problem>(404, 'No such invitation')
  @Response<Problem>(409, 'The invitation is not pending')
  @Security('apiKey', ['invitations:write'])
  @Security('session', ['invitations:write'])
  async deleteInvitation(@Request() req: ExRequest, @Path() id: string): Promise<InvitationDto> {
    return this.services.invitations.revoke(ctxOf(req), id);
  }

  /**
   * Accepts an invitation with its token. A new user sends a name and a password to create; an
   * existing user sends their current password. Answers with a session in the inviting tenant.
   * @summary Accept an invitation
   */
  @Post('accept')
  @OperationId('acceptInvitation')
  @NoSecurity()
  @Response<Problem>(404, 'No such invitation')
  @Response<Problem>(409, 'Already a member')
  @Response<Problem>(410, 'The invitation expired or was used')
  async acceptInvitation(@Request() req: ExRequest, @Body() body: InvitationAccept): Promise<AuthTokens> {
    return this.services.invitations.accept(clientOf(req), body);
  }
}
