import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import { authorize, type Ctx } from '../../core/auth/principal.js';
import type { Deps } from '../../core/deps.js';
import { inTenant } from '../../core/db/unit-of-work.js';
import { badRequest, notFound } from '../../core/http/errors.js';
import { keysetWhere, pageParams, toList, type List } from '../../core/http/pagination.js';
import { assertValid, checkMetadata, mergeMetadata } from '../../core/http/validation.js';
import { isId, newId } from '../../core/ids.js';
import { originOf, previousAttributes, record } from '../../core/events/record.js';
import { change } from '../events/change.js';
import { toCustomerDto, type CustomerCreate, type CustomerDto, type CustomerUpdate } from './customers.dto.js';
import { Customer } from './customers.entity.js';

export interface CustomerListQuery {
  limit?: number;
  startingAfter?: string;
  email?: string;
  createdGte?: Date;
  createdLt?: Date;
}

export class CustomersService {
  constructor(private readonly deps: Deps) {}

  async create(ctx: Ctx, input: CustomerCreate): Promise<CustomerDto> {
    const { tenantId } = authorize(ctx, 'customers:write');
    assertValid(checkMetadata(input.metadata));
    return inTenant(this.deps.orm, tenantId, async (em) => {
      const customer = em.create(Customer, {
        id: newId('customer'),
        tenantId,
        name: input.name ?? null,
        email: input.email ?? null,
        phone: input.phone ?? null,
        company: input.company ?? null,
        metadata: input.metadata ?? {},
      });
      await em.persist(customer).flush();
      const dto = toCustomerDto(customer);
      await record(em, tenantId, originOf(ctx), [change('customer.created', dto)]);
      return dto;
    });
  }

  async list(ctx: Ctx, query: CustomerListQuery): Promise<List<CustomerDto>> {
    const { tenantId } = authorize(ctx, 'customers:read');
    const page = pageParams(query.limit, query.startingAfter);
    if (query.createdGte && query.createdLt && query.createdGte >= query.createdLt) {
      throw badRequest('invalid_range', 'created_gte must be earlier than created_lt.');
    }
    const where: FilterQuery<Customer> = { ...keysetWhere(page) };
    if (query.email) where.email = { $ilike: query.email.replace(/[\\%_]/g, (c) => `\\${c}`) };
    if (query.createdGte || query.createdLt) {
      where.createdAt = { ...(query.createdGte ? { $gte: query.createdGte } : {}), ...(query.createdLt ? { $lt: query.createdLt } : {}) };
    }
    // A read: plain rows, not managed entities (no identity map, no change tracking at commit).
    return inTenant(this.deps.orm, tenantId, async (em) => {
      const rows = await em.find(Customer, where, { orderBy: { id: 'desc' }, limit: page.limit + 1, disableIdentityMap: true });
      return toList(rows, page, toCustomerDto);
    });
  }

  async get(ctx: Ctx, id: string): Promise<CustomerDto> {
    const { tenantId } = authorize(ctx, 'customers:read');
    return inTenant(this.deps.orm, tenantId, async (em) => {
      const customer = isId('customer', id) ? await em.findOne(Customer, { id }, { disableIdentityMap: true }) : null;
      if (!customer) throw notFound('customer', id);
      return toCustomerDto(customer);
    });
  }

  async update(ctx: Ctx, id: string, input: CustomerUpdate): Promise<CustomerDto> {
    const { tenantId } = authorize(ctx, 'customers:write');
    assertValid(checkMetadata(input.metadata));
    return inTenant(this.deps.orm, tenantId, async (em) => {
      const customer = await this.find(em, id);
      const before = toCustomerDto(customer);
      for (const field of ['name', 'email', 'phone', 'company'] as const) {
        if (input[field] !== undefined) customer[field] = input[field];
      }
      customer.metadata = mergeMetadata(customer.metadata, input.metadata);
      await em.flush();
      const dto = toCustomerDto(customer);
      const previous = previousAttributes(before, dto);
      if (previous) await record(em, tenantId, originOf(ctx), [change('customer.updated', dto, previous)]);
      return dto;
    });
  }

  async delete(ctx: Ctx, id: string): Promise<{ id: string; object: 'customer'; deleted: true }> {
    const { tenantId } = authorize(ctx, 'customers:write');
    return inTenant(this.deps.orm, tenantId, async (em) => {
      const customer = await this.find(em, id);
      const dto = toCustomerDto(customer);
      await em.remove(customer).flush();
      await record(em, tenantId, originOf(ctx), [change('customer.deleted', dto)]);
      return { id, object: 'customer', deleted: true };
    });
  }

  /** The tenant filter and row-level security make another tenant's customer indistinguishable from none. */
  private async find(em: EntityManager, id: string): Promise<Customer> {
    const customer = isId('customer', id) ? await em.findOne(Customer, { id }) : null;
    if (!customer) throw notFound('customer', id);
    return customer;
  }
}
