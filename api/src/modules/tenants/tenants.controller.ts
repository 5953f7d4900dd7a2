import type { Request as ExRequest } from 'express';
import { Body, Controller, Get, OperationId, Patch, Path, Post, Query, Request, Response, Route, Security, SuccessResponse, Tags } from '@tsoa/runtime';
import { ctxOf } from '../../core/http/context.js';
import type { List } from '../../core/http/pagination.js';
import type { Problem } from '../../core/http/problem.js';
import type { TenantsServices } from './module.js';
import type { TenantCreate, TenantDto, TenantUpdate } from './tenants.dto.js';

@Route('v1/tenants')
@Tags('Tenants')
@Response<Problem>(422, 'Invalid fields')
export class TenantsController extends Controller {
  constructor(private readonly services: TenantsServices) {
    super();
  }

  /**
   * Creates a tenant directly below the calling tenant. The platform creates reseller and standard
   * tenants; a reseller creates standard tenants. Act inside the new tenant by sending its id in `Plinth-Tenant`.
   * @summary Create a tenant
   */
  @Post()
  @OperationId('createTenant')
  @SuccessResponse(201, 'Created')
  @Security('apiKey', ['tenants:write'])
  @Security('session', ['tenants:write'])
  async createTenant(@Request() req: ExRequest, @Body() body: TenantCreate): Promise<TenantDto> {
    this.setStatus(201);
    return this.services.tenants.create(ctxOf(req), body);
  }

  /**
   * Lists the tenants below the calling tenant (its whole subtree), newest first.
   * @summary List tenants
   * @param limit How many to return, 1 to 100.
   * @param starting_after The id of the last object of the previous page.
   * @param parent_id Only the direct children of this tenant.
   * @isInt limit
   * @minimum limit 1
   * @maximum limit 100
   * @maxLength starting_after 64
   * @maxLength parent_id 64
   */
  @Get()
  @OperationId('listTenants')
  @Security('apiKey', ['tenants:read'])
  @Security('session', ['tenants:read'])
  async listTenants(
    @Request() req: ExRequest,
    @Query() limit?: number,
    @Query() starting_after?: string,
    @Query() parent_id?: string,
  ): Promise<List<TenantDto>> {
    return this.services.tenants.list(ctxOf(req), { limit, startingAfter: starting_after, parentId: parent_id });
  }

  /**
   * Retrieves the calling tenant or one below it.
   * @summary Retrieve a tenant
   * @maxLength id 64
   */
  @Get('{id}')
  @OperationId('getTenant')
  @Response<Problem>(404, 'No such tenant in your subtree')
  @Security('apiKey', ['tenants:read'])
  @Security('session', ['tenants:read'])
  async getTenant(@Request() req: ExRequest, @Path() id: string): Promise<TenantDto> {
    return this.services.tenants.get(ctxOf(req), id);
  }

  /**
   * Updates a tenant's name or metadata.
   * @summary Update a tenant
   * @maxLength id 64
   */
  @Patch('{id}')
  @OperationId('updateTenant')
  @Response<Problem>(404, 'No such tenant in your subtree')
  @Response<Problem>(409, 'SSO cannot be required yet: no active connection, or no owner with two-factor authentication')
  @Security('apiKey', ['tenants:write'])
  @Security('session', ['tenants:write'])
  async updateTenant(@Request() req: ExRequest, @Path() id: string, @Body() body: TenantUpdate): Promise<TenantDto> {
    return this.services.tenants.update(ctxOf(req), id, body);
  }

  /**
   * Suspends a tenant below the caller: its keys and sessions get 403 `tenant_suspended` until resumed.
   * @summary Suspend a tenant
   * @maxLength id 64
   */
  @Post('{id}/suspend')
  @OperationId('suspendTenant')
  @Response<Problem>(404, 'No such tenant in your subtree')
  @Security('apiKey', ['tenants:write'])
  @Security('session', ['tenants:write'])
  async suspendTenant(@Request() req: ExRequest, @Path() id: string): Promise<TenantDto> {
    return this.services.tenants.setStatus(ctxOf(req), id, 'suspended');
  }

  /**
   * Resumes a suspended tenant.
   * @summary Resume a tenant
   * @maxLength id 64
   */
  @Post('{id}/resume')
  @OperationId('resumeTenant')
  @Response<Problem>(404, 'No such tenant in your subtree')
  @Security('apiKey', ['tenants:write'])
  @Security('session', ['tenants:write'])
  async resumeTenant(@Request() req: ExRequest, @Path() id: string): Promise<TenantDto> {
    return this.services.tenants.setStatus(ctxOf(req), id, 'active');
  }
}
