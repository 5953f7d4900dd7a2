import type { EntityManager } from '@mikro-orm/postgresql';
import { authorize, type Ctx } from '../../core/auth/principal.js';
import type { Deps } from '../../core/deps.js';
import { inTenant } from '../../core/db/unit-of-work.js';
import { isoTimestamp } from '../../core/db/reader.js';
import { badRequest, notFound } from '../../core/http/errors.js';
import { pageParams, toList, type List } from '../../core/http/pagination.js';
import { assertValid, checkMetadata, mergeMetadata } from '../../core/http/validation.js';
import { isId, newId } from '../../core/ids.js';
import { originOf, previousAttributes, record } from '../../core/events/record.js';
import { change } from '../../core/events/change.js';
import { toCustomerDto, type CustomerCreate, type CustomerDto, type CustomerUpdate } from './customers.dto.js';
import { Customer } from './customers.entity.js';

export interface CustomerListQuery {
  limit?: number;
  startingAfter?: string;
  email?: string;
  createdGte?: Date;
  createdLt?: Date;
}

const COLUMNS = 'id, name, email, phone, company, metadata, created_at, updated_at';

interface CustomerRow {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  company: string | null;
  metadata: Record<string, string>;
  /** As the reader returns it (PostgreSQL's text, in UTC), or already in ISO form. */
  created_at: string;
  updated_at: string;
}

function rowToCustomerDto(r: CustomerRow): CustomerDto {
  return {
    id: r.id,
    object: 'customer',
    name: r.name,
    email: r.email,
    phone: r.phone,
    company: r.company,
    metadata: r.metadata,
    created_at: isoTimestamp(r.created_at),
    updated_at: isoTimestamp(r.updated_at),
  };
}

export class CustomersService {
  constructor(private readonly deps: Deps) {}

  async create(ctx: Ctx, input: CustomerCreate): Promise<CustomerDto> {
    const grant = authorize(ctx, 'customers:write');
    const { tenantId } = grant;
    assertValid(checkMetadata(input.metadata));
    // The hot write path: the row, its event and its audit entry in one statement (see writer.ts).
    const now = new Date().toISOString();
    const row: CustomerRow = {
      id: newId('customer'),
      name: input.name ?? null,
      email: input.email ?? null,
      phone: input.phone ?? null,
      company: input.company ?? null,
      metadata: input.metadata ?? {},
      created_at: now,
      updated_at: now,
    };
    const dto = rowToCustomerDto(row);
    const insert = {
      sql: `insert into customers (tenant_id, ${COLUMNS}) values (?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?)`,
      values: [tenantId, row.id, row.name, row.email, row.phone, row.company, JSON.stringify(row.metadata), now, now],
    };
    await this.deps.writer.write(grant, 'customers.create', insert, originOf(ctx), [change('customer.created', dto)]);
    return dto;
  }

  async list(ctx: Ctx, query: CustomerListQuery): Promise<List<CustomerDto>> {
    const grant = authorize(ctx, 'customers:read');
    const { tenantId } = grant;
    const page = pageParams(query.limit, query.startingAfter);
    if (query.createdGte && query.createdLt && query.createdGte >= query.createdLt) {
      throw badRequest('invalid_range', 'created_gte must be earlier than created_lt.');
    }
    // The hot path: plain rows, one prepared statement per combination of filters. Only the filters given
    // are in the SQL: `($n is null or ...)` catch-alls defeat the indexes once PostgreSQL switches the
    // prepared statement to its generic plan (an email filter then walked a tenant of 1M rows).
    const values: unknown[] = [tenantId];
    const where = ['tenant_id = $1'];
    let variant = '';
    const add = (key: string, condition: (n: string) => string, value: unknown) => {
      values.push(value);
      where.push(condition(`$${values.length}`));
      variant += key;
    };
    if (page.startingAfter) add('a', (n) => `id < ${n}`, page.startingAfter);
    // Case-insensitive equality on the stored lower(email), served by the (tenant_id, email_lower) index
    // also under row-level security (a condition applying lower() to the column could not be).
    if (query.email) add('e', (n) => `email_lower = lower(${n})`, query.email);
    if (query.createdGte) add('g', (n) => `created_at >= ${n}`, query.createdGte);
    if (query.createdLt) add('l', (n) => `created_at < ${n}`, query.createdLt);
    values.push(page.limit + 1);
    const sql = `select ${COLUMNS} from customers where ${where.join(' and ')} order by id desc limit $${values.length}`;
    const rows = await this.deps.reader.read(tenantId, (q) => q<CustomerRow>(`customers.list.${variant || 'all'}`, sql, values));
    return toList(rows, page, rowToCustomerDto);
  }

  async get(ctx: Ctx, id: string): Promise<CustomerDto> {
    const grant = authorize(ctx, 'customers:read');
    const { tenantId } = grant;
    const [row] = isId('customer', id)
      ? await this.deps.reader.read(tenantId, (q) =>
          q<CustomerRow>('customers.get', `select ${COLUMNS} from customers where tenant_id = $1 and id = $2`, [tenantId, id]),
        )
      : [];
    if (!row) throw notFound('customer', id);
    return rowToCustomerDto(row);
  }

  async update(ctx: Ctx, id: string, input: CustomerUpdate): Promise<CustomerDto> {
    const grant = authorize(ctx, 'customers:write');
    const { tenantId } = grant;
    assertValid(checkMetadata(input.metadata));
    return inTenant(this.deps.orm, grant, async (em) => {
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
    const grant = authorize(ctx, 'customers:write');
    const { tenantId } = grant;
    return inTenant(this.deps.orm, grant, async (em) => {
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
