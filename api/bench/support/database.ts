import { join } from 'node:path';
import pg from 'pg';
import type { Logger } from 'pino';
import { startEmbeddedPostgres } from '../../src/core/db/embedded.js';

export interface BenchDatabase {
  /** The owner's (superuser's) URL of the fresh database the bench runs on. */
  url: string;
  name: string;
  /** `embedded` or the server's address, for the results. */
  description: string;
  /** Commits in this database so far (pg_stat_database; backends report them up to ~10 s late). */
  commits(): Promise<number>;
  close(): Promise<void>;
}

/**
 * A fresh database `bench_<timestamp>`: on the server of BENCH_DATABASE_URL (a superuser URL) when set,
 * otherwise on an embedded PostgreSQL under `work`. close() drops it (and stops the embedded server).
 */
export async function openBenchDatabase(work: string, log: Logger): Promise<BenchDatabase> {
  const external = process.env.BENCH_DATABASE_URL;
  const embedded = external ? undefined : await startEmbeddedPostgres(join(work, 'db'), log);
  const server = new URL(external ?? embedded!.url);
  server.pathname = '/postgres';
  const name = `bench_${Date.now()}`;
  // The statistics are read from the `postgres` database, so reading them adds no commit to the bench's.
  const admin = new pg.Client({ connectionString: server.toString() });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    description: external ? `external PostgreSQL at ${server.host}` : 'embedded PostgreSQL',
    async commits() {
      const { rows } = await admin.query<{ n: string }>('select xact_commit::text as n from pg_stat_database where datname = $1', [name]);
      return Number(rows[0].n);
    },
    async close() {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
      await embedded?.stop();
    },
  };
}

/** Customers for a tenant, straight into the table: ids sort like ULIDs (newest last), emails are c<n>@example.com. */
export async function seedCustomers(url: string, tenantId: string, count: number, tag: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const batch = 250_000;
    for (let from = 1; from <= count; from += batch) {
      const to = Math.min(count, from + batch - 1);
      await client.query(
        `insert into customers (id, tenant_id, name, email, phone, company, metadata, created_at, updated_at)
         select 'cus_0' || $3 || lpad(n::text, 24, '0'), $1, 'Customer ' || n, 'c' || n || '@example.com', null, 'Co ' || (n % 97), '{}',
                now() - make_interval(secs => ($2 - n) / 1000.0), now()
           from generate_series($4::int, $5::int) n`,
        [tenantId, count, tag, from, to],
      );
    }
  } finally {
    await client.end();
  }
}

export async function analyze(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('analyze');
  await client.end();
}

export interface CatchUp {
  /** Until no audit entry is pending (`seq is null`): the worker has sealed every one. */
  audit_sealing_ms: number;
  /** Until, in addition, every event is relayed (sealing itself adds `audit.entry.created` events). */
  relay_ms: number;
}

/**
 * Waits until Plinth's worker has caught up with the creates of a run (at most `timeoutMs`), so that
 * work is not done during the next measured run. Both times are from `from` (a performance.now()
 * reading: the end of the load), read every 25 ms, both conditions in one snapshot.
 */
export async function waitForCatchUp(url: string, from: number, timeoutMs = 120_000): Promise<CatchUp> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let sealedAt: number | undefined;
  try {
    for (;;) {
      const { rows } = await client.query<{ sealing: boolean; relaying: boolean }>(
        `select exists (select 1 from audit_logs where seq is null) as sealing, exists (select 1 from events where relayed_at is null) as relaying`,
      );
      const at = performance.now();
      if (!rows[0].sealing) sealedAt ??= at;
      if (sealedAt !== undefined && !rows[0].relaying) return { audit_sealing_ms: Math.round(sealedAt - from), relay_ms: Math.round(at - from) };
      if (at - from > timeoutMs) throw new Error(`the worker did not seal and relay the creates' entries and events within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  } finally {
    await client.end();
  }
}

/** The id seedCustomers gives customer `n` of the tenant seeded with `tag`. */
export const seededId = (tag: string, n: number) => `cus_0${tag}${String(n).padStart(24, '0')}`;
