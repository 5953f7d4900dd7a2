import pg from 'pg';
import type { Logger } from 'pino';
import { isId } from '../ids.js';
import { guardedPool } from './pool.js';

export type Query = <R extends pg.QueryResultRow>(name: string, text: string, values: unknown[]) => Promise<R[]>;

const pgTypes = pg.types;
const TIMESTAMPTZ = 1184;
const asText = (value: string) => value;

/**
 * A `timestamptz` as these connections return it (`2026-12-02 14:06:23.1234+00`: UTC, ISO DateStyle)
 * in the API's form (`2026-12-02T14:06:23.123Z`), as `Date#toISOString` would write it (fractions of a
 * millisecond are cut, not rounded), without building a Date.
 */
export function isoTimestamp(text: string): string {
  if (text.length === 24 && text[10] === 'T' && text[23] === 'Z') return text; // already in the API's form
  if (text.length < 22 || text[10] !== ' ' || !text.endsWith('+00')) return new Date(text).toISOString();
  const fraction = text[19] === '.' ? text.slice(20, text.length - 3) : '';
  return `${text.slice(0, 10)}T${text.slice(11, 19)}.${(fraction + '000').slice(0, 3)}Z`;
}

/** The one statement that moves a connection to a tenant, prepared once per connection. */
const SET_TENANT = { name: 'plinth.set_tenant', text: `select set_config('app.tenant_id', $1, false)` };

/**
 * Connections of the application role that keep their tenant between requests, so that a request of
 * the tenant a connection already serves costs one round trip: its own statement, with no BEGIN,
 * set_config or COMMIT around it. The tenant is a session setting (`set_config(..., false)`), and every
 * checkout compares it with the tenant asked for and moves the connection first when they differ.
 *
 * What makes that safe:
 * - the setting is recorded only after `set_config` succeeded, and forgotten before it is tried, so a
 *   connection whose setting is in doubt is never trusted: it is discarded, not returned to the pool;
 * - the work runs single statements in autocommit (no explicit transaction that could roll the setting
 *   back), and a connection that failed at the network level is discarded by pg;
 * - row-level security still checks every row against the setting, and the statements name `tenant_id`
 *   themselves (the application filter), so a slip would have to get past both.
 *
 * Each statement is atomic on its own; work that must see one snapshot across several statements, or
 * write several statements together, belongs in `inTenant` (unit-of-work.ts).
 */
export class TenantConnections {
  private readonly pool: pg.Pool;
  /** The tenant each connection's session is set to, known only after the database confirmed it. */
  private readonly tenantOf = new WeakMap<pg.PoolClient, string>();

  constructor(url: string, log: Logger, options: { max: number; readOnly: boolean; what: string }) {
    this.pool = guardedPool(
      {
        connectionString: url,
        max: options.max,
        // Timestamps arrive as PostgreSQL writes them, in UTC (see isoTimestamp): no Date on the way.
        // A reader's connections refuse to write, whatever the statement: the session default says so.
        options: `-c TimeZone=UTC${options.readOnly ? ' -c default_transaction_read_only=on' : ''}`,
        types: { getTypeParser: (oid: number, format?: 'text' | 'binary') => (oid === TIMESTAMPTZ ? asText : pgTypes.getTypeParser(oid, format)) },
      },
      log,
      options.what,
    );
  }

  async run<T>(tenantId: string, work: (query: Query) => Promise<T>): Promise<T> {
    if (!isId('tenant', tenantId)) throw new Error('TenantConnections.run needs a tenant id');
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      if (this.tenantOf.get(client) !== tenantId) {
        this.tenantOf.delete(client);
        try {
          await client.query({ ...SET_TENANT, values: [tenantId] });
        } catch (err) {
          broken = err as Error;
          throw err;
        }
        this.tenantOf.set(client, tenantId);
      }
      const query: Query = async (name, text, values) => {
        try {
          return (await client.query({ name, text, values })).rows;
        } catch (err) {
          // A statement the database refused leaves the session as it was; a lost connection does not.
          if (!('code' in (err as object)) || (err as { code?: string }).code?.startsWith('08')) broken = err as Error;
          throw err;
        }
      };
      return await work(query);
    } finally {
      client.release(broken);
    }
  }

  /** A NOTIFY of its own (it needs no tenant, and leaves the connection's setting alone). */
  async notify(channel: string): Promise<void> {
    await this.pool.query({ name: 'plinth.notify', text: `select pg_notify($1, '')`, values: [channel] });
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
