import type { Request as ExRequest } from 'express';
import { Body, Controller, Delete, Get, OperationId, Patch, Path, Post, Query, Request, Response, Route, Security, SuccessResponse, Tags } from '@tsoa/runtime';
import { ctxOf } from '../../core/http/context.js';
import type { List } from '../../core/http/pagination.js';
import type { Problem } from '../../core/http/problem.js';
import type { CustomersServices } from './module.js';
import type { CustomerCreate, CustomerDto, CustomerUpdate } from './customers.dto.js';

/** The result of a delete. */
export interface DeletedCustomer {
  id: string;
  object: 'customer';
  deleted: true;
}

@Route('v1/customers')
@Tags('Customers')
@Response<Problem>(422, 'Invalid fields')
export class CustomersController extends Controller {
  constructor(private readonly services: CustomersServices) {
    super();
  }

  /**
   * Creates a customer in the calling tenant.
   * @summary Create a customer
   */
  @Post()
  @OperationId('createCustomer')
  @SuccessResponse(201, 'Created')
  @Response<Problem>(409, 'A request with the same Idempotency-Key is in progress')
  @Security('apiKey', ['customers:write'])
  @Security('session', ['customers:write'])
  async createCustomer(@Request() req: ExRequest, @Body() body: CustomerCreate): Promise<CustomerDto> {
    this.setStatus(201);
    return this.services.customers.create(ctxOf(req), body);
  }

  /**
   * Lists customers, newest first.
   * @summary List customers
   * @param limit How many to return, 1 to 100 (default 20).
   * @param starting_after The `next_cursor` of the previous page.
   * @param email Only customers with this email (case-insensitive).
   * @param created_gte Only customers created at or after this time.
   * @maxLength created_gte 40
   * @param created_lt Only customers created before this time.
   * @maxLength created_lt 40
   * @isInt limit
   * @minimum limit 1
   * @maximum limit 100
   * @maxLength starting_after 64
   * @maxLength email 320
   */
  @Get()
  @OperationId('listCustomers')
  @Security('apiKey', ['customers:read'])
  @Security('session', ['customers:read'])
  async listCustomers(
    @Request() req: ExRequest,
    @Query() limit?: number,
    @Query() starting_after?: string,
    @Query() email?: string,
    @Query() created_gte?: Date,
    @Query() created_lt?: Date,
  ): Promise<List<CustomerDto>> {
    return this.services.customers.list(ctxOf(req), { limit, startingAfter: starting_after, email, createdGte: created_gte, createdLt: created_lt });
  }

  /**
   * Retrieves a customer.
   * @summary Retrieve a customer
   * @maxLength id 64
   */
  @Get('{id}')
  @OperationId('getCustomer')
  @Response<Problem>(404, 'No such customer')
  @Security('apiKey', ['customers:read'])
  @Security('session', ['customers:read'])
  async getCustomer(@Request() req: ExRequest, @Path() id: string): Promise<CustomerDto> {
    return this.services.customers.get(ctxOf(req), id);
  }

  /**
   * Updates a customer. Fields left out are unchanged; `null` clears one.
   * @summary Update a customer
   * @maxLength id 64
   */
  @Patch('{id}')
  @OperationId('updateCustomer')
  @Response<Problem>(404, 'No such customer')
  @Security('apiKey', ['customers:write'])
  @Security('session', ['customers:write'])
  async updateCustomer(@Request() req: ExRequest, @Path() id: string, @Body() body: CustomerUpdate): Promise<CustomerDto> {
    return this.services.customers.update(ctxOf(req), id, body);
  }

  /**
   * Permanently deletes a customer.
   * @summary Delete a customer
   * @maxLength id 64
   */
  @Delete('{id}')
  @OperationId('deleteCustomer')
  @Response<Problem>(404, 'No such customer')
  @Security('apiKey', ['customers:write'])
  @Security('session', ['customers:write'])
  async deleteCustomer(@Request() req: ExRequest, @Path() id: string): Promise<DeletedCustomer> {
    return this.services.customers.delete(ctxOf(req), id);
  }
}
