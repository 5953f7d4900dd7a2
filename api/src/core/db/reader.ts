import type pg from 'pg';
import type { Logger } from 'pino';
import { isId } from '../ids.js';
import { guardedPool } from './pool.js';

export type Query = <R extends pg.QueryResultRow>(name: string, text: string, values: unknown[]) => Promise<R[]>;

/**
 * The hot read path: plain rows from named prepared statements, on the app role's own pool, in one
 * transaction with the tenant set for row-level security: no ORM hydration, identity map or change
 * tracking. For list and retrieve operations that are called far more often than anything else; the
 * SQL still names `tenant_id` itself (the application filter), with RLS underneath.
 */
export class TenantReader {
  private readonly pool: pg.Pool;

  constructor(appUrl: string, log: Logger, max = 10) {
    this.pool = guardedPool({ connectionString: appUrl, max }, log, 'tenant reader');
  }

  async read<T>(tenantId: string, work: (query: Query) => Promise<T>): Promise<T> {
    // The tenant id is inlined into the first round trip (BEGIN and set_config together), so it must be an id.
    if (!isId('tenant', tenantId)) throw new Error('TenantReader.read needs a tenant id');
    const client = await this.pool.connect();
    let done = false;
    let broken = false;
    try {
      await client.query(`begin read only; select set_config('app.tenant_id', '${tenantId}', true)`);
      const query: Query = async (name, text, values) => (await client.query({ name, text, values })).rows;
      const result = await work(query);
      await client.query('commit');
      done = true;
      return result;
    } finally {
      if (!done) await client.query('rollback').catch(() => (broken = true));
      // A connection that cannot even roll back is discarded, not handed to the next request.
      client.release(broken);
    }
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
