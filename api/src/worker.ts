import type { PgBoss as PgBossType } from 'pg-boss';
import type { Database } from './core/db/database.js';
import { guardedPool } from './core/db/pool.js';
import type { Deps } from './core/deps.js';
import type { ModuleWorker } from './core/module.js';

const RETENTION_QUEUE = 'retention';

export interface Worker {
  /** Runs one relay pass immediately (tests, benchmarks). */
  relayNow(): Promise<void>;
  /** Applies every module's retention; returns counts by kind. */
  runRetention(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

/**
 * The worker: the job runner (pg-boss) with every module's queues, jobs and retention. It connects as
 * the database owner, because cross-tenant work (the outbox relay, retention) reads every tenant;
 * tenant-scoped jobs go through the app role and row-level security like the API.
 */
export async function startWorker(deps: Deps, database: Database): Promise<Worker> {
  const { config, log, registry } = deps;
  // Loaded here rather than with the API's modules: an API-only process never needs it, and in one
  // process the API is listening before the job runner loads.
  const { PgBoss } = await import('pg-boss');
  const pool = guardedPool({ connectionString: database.ownerUrl, max: 6 }, log, 'worker');
  const boss: PgBossType = new PgBoss({
    connectionString: database.ownerUrl,
    max: 6,
    useListenNotify: true,
    superviseIntervalSeconds: 10,
    schedule: true,
  });
  // While the database is down pg-boss reports every failed poll: log the first, then one a minute.
  let quietUntil = 0;
  let suppressed = 0;
  boss.on('error', (err) => {
    if (Date.now() < quietUntil) return void suppressed++;
    log.error({ err, suppressed }, 'job runner error');
    quietUntil = Date.now() + 60_000;
    suppressed = 0;
  });
  await boss.start();
  const queues = [
    ...registry.modules.flatMap((m) => Object.entries(m.queues?.(config) ?? {})),
    [RETENTION_QUEUE, { retryLimit: 1, expireInSeconds: 3600, deleteAfterSeconds: 24 * 3600 }] as const,
  ];
  for (const [name, options] of queues) {
    if (!(await boss.getQueue(name).catch(() => null))) await boss.createQueue(name, options);
  }

  const parts: ModuleWorker[] = [];
  for (const m of registry.modules) if (m.worker) parts.push(await m.worker({ deps, boss, pool, ownerUrl: database.ownerUrl }));

  const runRetention = async () => {
    const result: Record<string, number> = {};
    for (const m of registry.modules) Object.assign(result, await m.retention?.(pool, config));
    if (Object.values(result).some((n) => n > 0)) log.info(result, 'retention applied');
    return result;
  };
  await boss.work(RETENTION_QUEUE, { pollingIntervalSeconds: 30 }, async () => void (await runRetention()));
  await boss.schedule(RETENTION_QUEUE, '17 * * * *');

  log.info({ modules: parts.length }, 'worker started');
  return {
    relayNow: async () => void (await Promise.all(parts.map((p) => p.relayNow?.()))),
    runRetention,
    async stop() {
      for (const p of parts) await p.stop?.();
      // stop() resolves before pg-boss has closed its pool; 'stopped' says it has.
      const closed = new Promise<void>((resolve) => boss.once('stopped', () => resolve()));
      await boss.stop({ graceful: true, timeout: 10_000 });
      await closed;
      for (const p of parts) p.close?.();
      await pool.end();
    },
  };
}
