import { createHmac } from 'node:crypto';
import { MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import { ReflectMetadataProvider } from '@mikro-orm/decorators/legacy';
import pg from 'pg';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Registry } from '../module.js';
import { startEmbeddedPostgres } from './embedded.js';
import { CONNECT_TIMEOUT_MS } from './pool.js';

export const APP_ROLE = 'plinth_app';

export interface Database {
  /** The application's ORM: connected as `plinth_app`, which cannot bypass row-level security. */
  orm: MikroORM;
  /** Which database this is, for the start-up banner (credentials removed). */
  description: string;
  embedded: boolean;
  /** The owner's connection, for stores that create their own tables (the PostgreSQL rate-limit store). */
  ownerUrl: string;
  /** The app role's connection (LISTEN for cache invalidations). */
  appUrl: string;
  close(): Promise<void>;
}

function baseOptions(clientUrl: string, registry: Registry) {
  return {
    clientUrl,
    entities: registry.entities,
    metadataProvider: ReflectMetadataProvider,
    discovery: { warnWhenNoEntities: false },
    debug: false,
    pool: { min: 0, max: 10 },
    // A database that does not answer must not hold a request for long: it gets a 503 instead.
    driverOptions: { connectionTimeoutMillis: CONNECT_TIMEOUT_MS },
    allowGlobalContext: false,
  };
}

function redact(url: string): string {
  const u = new URL(url);
  u.password = u.password ? '***' : '';
  return u.toString();
}

/**
 * The app role's password is derived from the owner's URL and Plinth's secret, so every process of a
 * deployment computes the same one without another setting.
 */
export function appUrl(ownerUrl: string, secret: string): string {
  const u = new URL(ownerUrl);
  u.username = APP_ROLE;
  // The role is cluster-wide, so the password depends on the server, not on the database name.
  u.password = createHmac('sha256', secret).update(`db-app-role:${u.hostname}:${u.port}`).digest('base64url');
  return u.toString();
}

/** Creates the database named in the URL when it does not exist yet (first start on a fresh server). */
async function ensureDatabase(ownerUrl: string, log: Logger): Promise<void> {
  const target = new URL(ownerUrl);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(ownerUrl);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (!rowCount) {
      await client.query(`create database "${name.replace(/"/g, '""')}"`);
      log.info({ database: name }, 'database created');
    }
  } finally {
    await client.end();
  }
}

/** The registry's migrations this database has not run yet (all of them on a new database). */
async function pendingMigrations(owner: pg.Client, registry: Registry): Promise<string[]> {
  const names = registry.migrations.map((m) => m.name);
  const { rows } = await owner.query<{ ok: boolean }>(`select to_regclass('mikro_orm_migrations') is not null as ok`);
  if (!rows[0]?.ok) return names;
  const done = new Set((await owner.query<{ name: string }>('select name from mikro_orm_migrations')).rows.map((r) => r.name));
  return names.filter((n) => !done.has(n));
}

/** Runs pending migrations as the owner and (re)sets the app role's login. */
export async function migrate(registry: Registry, ownerUrl: string, secret: string, log: Logger): Promise<string> {
  await ensureDatabase(ownerUrl, log);
  // Several processes (replicas, test workers) may start together: one migrates at a time. The lock is
  // taken in the `postgres` database because advisory locks are per database while the app role is
  // per cluster: two databases on one server (tests, staging beside production) must not race on it.
  const lockUrl = new URL(ownerUrl);
  lockUrl.pathname = '/postgres';
  const lock = new pg.Client({ connectionString: lockUrl.toString() });
  const owner = new pg.Client({ connectionString: ownerUrl });
  await lock.connect();
  try {
    await lock.query('select pg_advisory_lock(74230001)');
    await owner.connect();
    // Most starts have nothing to run: the migrator (a second ORM and its module, ~0.2 s of every
    // start) is loaded only when a migration is pending.
    if ((await pendingMigrations(owner, registry)).length) {
      const { Migrator } = await import('@mikro-orm/migrations');
      const orm = await MikroORM.init({
        ...baseOptions(ownerUrl, registry),
        extensions: [Migrator],
        migrations: { migrationsList: registry.migrations, transactional: true, allOrNothing: true, snapshot: false, silent: true },
      });
      try {
        const ran = await orm.migrator.up();
        if (ran.length) log.info({ migrations: ran.map((m) => m.name) }, 'migrations applied');
      } finally {
        await orm.close(true);
      }
    }
    const url = appUrl(ownerUrl, secret);
    const password = new URL(url).password;
    await owner.query(`alter role ${APP_ROLE} with login password '${password}'`);
    return url;
  } finally {
    await owner.end().catch(() => {});
    await lock.end();
  }
}

/**
 * Opens the database named by DATABASE_URL, or starts the embedded one. `onFatal` hears when the
 * embedded database died and could not be restarted: the process cannot serve anything then.
 */
export async function openDatabase(registry: Registry, config: Config, log: Logger, onFatal: (reason: string) => void = () => {}): Promise<Database> {
  const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres(config.dataDir, log, onFatal);
  const ownerUrl = config.databaseUrl ?? embedded!.url;
  try {
    const url = config.databaseAppUrl || (await migrate(registry, ownerUrl, config.secret, log));
    const orm = await MikroORM.init(baseOptions(url, registry));
    return {
      orm,
      embedded: !!embedded,
      ownerUrl,
      appUrl: url,
      description: embedded ? `embedded PostgreSQL (${config.dataDir}/postgres)` : redact(ownerUrl),
      async close() {
        await orm.close(true);
        await embedded?.stop();
      },
    };
  } catch (err) {
    await embedded?.stop();
    throw err;
  }
}

export type { EntityManager };
