import type { Logger } from 'pino';
import type { Config } from './config.js';
import { bootstrap, type BootstrapResult } from './bootstrap.js';
import type { Registry } from './module.js';
import { openDatabase, type Database } from './db/database.js';
import { guardedPool } from './db/pool.js';
import type { Deps } from './deps.js';
import { RateLimits, type RateLimitStore } from './http/rate-limit.js';
import { join } from 'node:path';
import { createMailer, type Mailer } from './mailer.js';
import { MailOutbox } from './outbox.js';
import { CredentialCache } from './auth/credential-cache.js';
import { TenantReader } from './db/reader.js';
import { TenantWriter } from './db/writer.js';

export interface Runtime {
  deps: Deps;
  database: Database;
  boot: BootstrapResult;
  close(): Promise<void>;
}

/** Starts everything the app needs (database, migrations, rate-limit store, bootstrap) from config. */
export async function startRuntime(
  registry: Registry,
  config: Config,
  log: Logger,
  overrides: { mailer?: Mailer; outbox?: MailOutbox; rateLimitPrefix?: string; onFatal?: (reason: string) => void } = {},
): Promise<Runtime> {
  const database = await openDatabase(registry, config, log, overrides.onFatal);
  let store: RateLimitStore = { kind: 'memory' };
  let closeStore = async () => {};
  if (config.rateLimitStore === 'redis') {
    if (!config.redisUrl) throw new Error('RATE_LIMIT_STORE=redis needs REDIS_URL');
    const { Redis } = await import('ioredis'); // only loaded when Redis is configured
    const client = new Redis(config.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false });
    store = { kind: 'redis', client };
    closeStore = async () => void (await client.quit());
  } else if (config.rateLimitStore === 'postgres') {
    const pool = guardedPool({ connectionString: database.ownerUrl, max: 4 }, log, 'rate-limit store');
    store = { kind: 'postgres', pool };
    closeStore = () => pool.end();
  }
  try {
    const boot = await bootstrap(registry, database.orm, config, log);
    const credentials = new CredentialCache();
    const reader = new TenantReader(database.appUrl, log);
    const writer = new TenantWriter(database.appUrl, log);
    await credentials.listen(database.appUrl, log);
    const outbox = overrides.outbox ?? (!overrides.mailer && config.mailOutbox && !config.smtpUrl ? new MailOutbox(join(config.dataDir, 'outbox')) : undefined);
    const deps: Deps = {
      registry,
      config,
      orm: database.orm,
      log,
      limits: new RateLimits(store, overrides.rateLimitPrefix),
      mailer: overrides.mailer ?? createMailer(config.smtpUrl, config.mailFrom, log, outbox),
      outbox,
      credentials,
      reader,
      writer,
    };
    return {
      deps,
      database,
      boot,
      async close() {
        // Independent pools and listeners: closed together (each waits on its own connections' ends).
        await Promise.all([credentials.close(), reader.close(), writer.close(), closeStore()]);
        await database.close();
      },
    };
  } catch (err) {
    await closeStore();
    await database.close();
    throw err;
  }
}
