import type { Request as ExRequest } from 'express';
import { Body, Controller, Delete, Get, OperationId, Patch, Path, Post, Request, Response, Route, Security, SuccessResponse, Tags } from '@tsoa/runtime';
import { ctxOf } from '../../core/http/context.js';
import type { Problem } from '../../core/http/problem.js';
import type { RolesServices } from './module.js';
import type { PermissionList, RoleCreate, RoleDto, RoleList, RoleUpdate } from './roles.dto.js';

export interface DeletedRole {
  id: string;
  object: 'role';
  deleted: true;
}

@Route('v1')
@Tags('Roles')
@Response<Problem>(422, 'Invalid fields')
export class RolesController extends Controller {
  constructor(private readonly services: RolesServices) {
    super();
  }

  /**
   * The catalogue of `resource:action` permissions that roles and API key scopes are made of.
   * @summary List permissions
   */
  @Get('permissions')
  @OperationId('listPermissions')
  @Security('apiKey', ['roles:read'])
  @Security('session', ['roles:read'])
  async listPermissions(@Request() req: ExRequest): Promise<PermissionList> {
    return this.services.roles.permissions(ctxOf(req));
  }

  /**
   * The system roles (owner, admin, developer, member, viewer, billing) and the tenant's custom roles.
   * @summary List roles
   */
  @Get('roles')
  @OperationId('listRoles')
  @Security('apiKey', ['roles:read'])
  @Security('session', ['roles:read'])
  async listRoles(@Request() req: ExRequest): Promise<RoleList> {
    return this.services.roles.list(ctxOf(req));
  }

  /**
   * Creates a custom role. You can only grant permissions you hold.
   * @summary Create a role
   */
  @Post('roles')
  @OperationId('createRole')
  @SuccessResponse(201, 'Created')
  @Response<Problem>(409, 'A role with this key exists')
  @Security('apiKey', ['roles:write'])
  @Security('session', ['roles:write'])
  async createRole(@Request() req: ExRequest, @Body() body: RoleCreate): Promise<RoleDto> {
    this.setStatus(201);
    return this.services.roles.create(ctxOf(req), body);
  }

  /**
   * Retrieves a system role (`role_admin`) or a custom role.
   * @summary Retrieve a role
   * @maxLength id 64
   */
  @Get('roles/{id}')
  @OperationId('getRole')
  @Response<Problem>(404, 'No such role')
  @Security('apiKey', ['roles:read'])
  @Security('session', ['roles:read'])
  async getRole(@Request() req: ExRequest, @Path() id: string): Promise<RoleDto> {
    return this.services.roles.get(ctxOf(req), id);
  }

  /**
   * Updates a custom role; members holding it get the new permissions at once.
   * @summary Update a role
   * @maxLength id 64
   */
  @Patch('roles/{id}')
  @OperationId('updateRole')
  @Response<Problem>(404, 'No such role')
  @Security('apiKey', ['roles:write'])
  @Security('session', ['roles:write'])
  async updateRole(@Request() req: ExRequest, @Path() id: string, @Body() body: RoleUpdate): Promise<RoleDto> {
    return this.services.roles.update(ctxOf(req), id, body);
  }

  /**
   * Deletes a custom role that no member holds.
   * @summary Delete a role
   * @maxLength id 64
   */
  @Delete('roles/{id}')
  @OperationId('deleteRole')
  @Response<Problem>(404, 'No such role')
  @Response<Problem>(409, 'Members still hold the role')
  @Security('apiKey', ['roles:write'])
  @Security('session', ['roles:write'])
  async deleteRole(@Request() req: ExRequest, @Path() id: string): Promise<DeletedRole> {
    return this.services.roles.delete(ctxOf(req), id);
  }
}
