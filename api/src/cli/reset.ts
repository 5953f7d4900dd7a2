import '../core/node-version.js';
import 'reflect-metadata';
import pg from 'pg';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { bootstrap } from '../core/bootstrap.js';
import { loadConfig } from '../core/config.js';
import { openDatabase } from '../core/db/database.js';
import { createLogger } from '../core/logger.js';
import { registry } from '../modules/index.js';

/**
 * `npm run reset`: wipes every tenant's data and keeps what a developer would have to set up again:
 * the secret (PLINTH_DATA_DIR/secret), the platform tenant and its root key (so the key printed on the
 * first start keeps working), and the schema. Then the normal bootstrap runs. Stop Plinth first when
 * it runs on the embedded PostgreSQL (the cluster has one owner process).
 */
export interface Wiped {
  table: string;
  rows: number;
}

/** In one transaction, as the owner (the app role may not truncate, and must not be able to). */
export async function wipe(owner: pg.Client): Promise<Wiped[]> {
  const q = async <T>(sql: string, values: unknown[] = []) => (await owner.query(sql, values)).rows as T[];
  await owner.query('begin');
  try {
    const [platform] = await q<{ id: string | null }>('select plinth_platform_tenant() as id');
    if (!platform?.id) {
      await owner.query('rollback');
      return [];
    }
    await q(`select set_config('app.tenant_id', $1, true)`, [platform.id]);
    await q('create temporary table keep_tenant on commit drop as select * from tenants where id = $1', [platform.id]);
    await q('create temporary table keep_keys on commit drop as select * from api_keys where is_root and revoked_at is null');
    const tables = await q<{ name: string }>(
      `select quote_ident(tablename) as name from pg_tables where schemaname = 'public' and tablename not like 'mikro_orm_migrations%' order by tablename`,
    );
    const wiped: Wiped[] = [];
    for (const { name } of tables) {
      const [row] = await q<{ n: string }>(`select count(*) as n from ${name}`);
      wiped.push({ table: name, rows: Number(row!.n) });
    }
    await q(`truncate ${tables.map((t) => t.name).join(', ')} restart identity cascade`);
    const [kept] = await q<{ n: string }>('select count(*) as n from keep_keys');
    await q('insert into tenants select * from keep_tenant');
    await q('insert into api_keys select * from keep_keys');
    // What stays is not counted as removed.
    for (const w of wiped) w.rows -= w.table === 'tenants' ? 1 : w.table === 'api_keys' ? Number(kept!.n) : 0;
    // Queued jobs (deliveries, exports) point at rows that no longer exist.
    const [boss] = await q<{ ok: boolean }>(`select to_regclass('pgboss.job') is not null as ok`);
    if (boss?.ok) await q('delete from pgboss.job');
    await owner.query('commit');
    return wiped.filter((w) => w.rows > 0);
  } catch (err) {
    await owner.query('rollback').catch(() => {});
    throw err;
  }
}

async function run(): Promise<void> {
  const config = loadConfig();
  if (!config.databaseUrl && existsSync(join(config.dataDir, 'postgres', 'postmaster.pid'))) {
    throw new Error(
      `Plinth (or npm run dev) is running on the embedded PostgreSQL in ${config.dataDir}: stop it first (Ctrl+C), then run npm run reset again.`,
    );
  }
  const log = createLogger('warn');
  const db = await openDatabase(registry, config, log);
  try {
    const owner = new pg.Client({ connectionString: db.ownerUrl });
    await owner.connect();
    const wiped = await wipe(owner).finally(() => owner.end());
    await bootstrap(registry, db.orm, config, log);
    rmSync(join(config.dataDir, 'outbox'), { recursive: true, force: true });
    const total = wiped.reduce((n, w) => n + w.rows, 0);
    process.stdout.write(
      `Reset ${db.description}: ${total} row(s) removed${wiped.length ? ` (${wiped.map((w) => `${w.table} ${w.rows}`).join(', ')})` : ''}.\n` +
        `Kept: the secret, the platform tenant and its root key; the development outbox is empty.\n`,
    );
  } finally {
    await db.close();
  }
}

if (require.main === module) {
  run().catch((err) => {
    process.stderr.write(`npm run reset failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
