import type { Request as ExRequest } from 'express';
import { Body, Controller, Delete, Get, OperationId, Patch, Path, Query, Request, Response, Route, Security, Tags } from '@tsoa/runtime';
import { ctxOf } from '../../core/http/context.js';
import type { List } from '../../core/http/pagination.js';
import type { Problem } from '../../core/http/problem.js';
import type { MembersServices } from './module.js';
import type { MemberDto, MemberUpdate } from './members.dto.js';

export interface DeletedMember {
  id: string;
  object: 'member';
  deleted: true;
}

@Route('v1/members')
@Tags('Members')
@Response<Problem>(422, 'Invalid fields')
export class MembersController extends Controller {
  constructor(private readonly services: MembersServices) {
    super();
  }

  /**
   * Lists the tenant's members, newest first.
   * @summary List members
   * @param limit How many to return, 1 to 100 (default 20).
   * @param starting_after The `next_cursor` of the previous page.
   * @isInt limit
   * @minimum limit 1
   * @maximum limit 100
   * @maxLength starting_after 64
   */
  @Get()
  @OperationId('listMembers')
  @Security('apiKey', ['members:read'])
  @Security('session', ['members:read'])
  async listMembers(@Request() req: ExRequest, @Query() limit?: number, @Query() starting_after?: string): Promise<List<MemberDto>> {
    return this.services.members.list(ctxOf(req), { limit, startingAfter: starting_after });
  }

  /**
   * Retrieves a member.
   * @summary Retrieve a member
   * @maxLength id 64
   */
  @Get('{id}')
  @OperationId('getMember')
  @Response<Problem>(404, 'No such member')
  @Security('apiKey', ['members:read'])
  @Security('session', ['members:read'])
  async getMember(@Request() req: ExRequest, @Path() id: string): Promise<MemberDto> {
    return this.services.members.get(ctxOf(req), id);
  }

  /**
   * Changes a member's role. The last owner cannot be demoted; only owners grant or revoke ownership.
   * @summary Update a member
   * @maxLength id 64
   */
  @Patch('{id}')
  @OperationId('updateMember')
  @Response<Problem>(404, 'No such member')
  @Security('apiKey', ['members:write'])
  @Security('session', ['members:write'])
  async updateMember(@Request() req: ExRequest, @Path() id: string, @Body() body: MemberUpdate): Promise<MemberDto> {
    return this.services.members.update(ctxOf(req), id, body);
  }

  /**
   * Removes a member from the tenant. The last owner cannot be removed.
   * @summary Remove a member
   * @maxLength id 64
   */
  @Delete('{id}')
  @OperationId('deleteMember')
  @Response<Problem>(404, 'No such member')
  @Security('apiKey', ['members:write'])
  @Security('session', ['members:write'])
  async deleteMember(@Request() req: ExRequest, @Path() id: string): Promise<DeletedMember> {
    return this.services.members.remove(ctxOf(req), id);
  }
}
