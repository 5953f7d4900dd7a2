import { PgBoss } from 'pg-boss';
import type { Database } from './core/db/database.js';
import { Listener } from './core/db/listener.js';
import { guardedPool } from './core/db/pool.js';
import { OUTBOX_CHANNEL } from './core/events/record.js';
import { resolvedSchema, loadSpec } from './core/spec.js';
import type { Deps } from './core/deps.js';
import { AuditService, EXPORT_QUEUE } from './modules/audit/audit.service.js';
import { EVENT_CATALOGUE } from './modules/events/catalogue.js';
import { toEventDto, type EventRow } from './modules/events/events.service.js';
import { Dispatcher, SVIX_QUEUE, type DeliverJob } from './modules/webhooks/dispatcher.js';
import { SvixBackend } from './modules/webhooks/svix.js';
import { DELIVER_QUEUE } from './modules/webhooks/webhooks.service.js';

const RETENTION_QUEUE = 'retention';
const RELAY_POLL_MS = 1000;

export interface Worker {
  /** Runs one relay pass immediately (tests, benchmarks). */
  relayNow(): Promise<void>;
  runRetention(): Promise<{ events: number; auditLogs: number; exports: number }>;
  stop(): Promise<void>;
}

/**
 * The worker: relays the outbox into pg-boss, delivers webhooks (or publishes to Svix), runs audit
 * exports and retention. It connects as the database owner, because the relay reads every
 * tenant's outbox; tenant-scoped jobs (exports, disabling an endpoint) go through the app role and
 * row-level security like the API.
 */
export async function startWorker(deps: Deps, database: Database): Promise<Worker> {
  const { config, log } = deps;
  const pool = guardedPool({ connectionString: database.ownerUrl, max: 6 }, log, 'worker');
  const expireInSeconds = Math.ceil(config.webhooks.timeoutMs / 1000) * 2 + 5;
  const boss = new PgBoss({
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
  const queueDefaults = { retryLimit: 20, retryDelay: 5, retryBackoff: true, retryDelayMax: 3600, deleteAfterSeconds: 24 * 3600, notify: true };
  for (const [name, options] of [
    [DELIVER_QUEUE, { ...queueDefaults, expireInSeconds }],
    [SVIX_QUEUE, { ...queueDefaults, expireInSeconds: 60 }],
    [EXPORT_QUEUE, { ...queueDefaults, retryLimit: 3, expireInSeconds: 3600 }],
    [RETENTION_QUEUE, { retryLimit: 1, expireInSeconds: 3600, deleteAfterSeconds: 24 * 3600 }],
  ] as const) {
    if (!(await boss.getQueue(name).catch(() => null))) await boss.createQueue(name, options);
  }

  const dispatcher = new Dispatcher(config, pool, boss, database.orm, log);
  const svix = config.svix ? new SvixBackend(config.svix.apiKey, config.svix.serverUrl) : undefined;
  const audit = new AuditService(deps);

  // Relay: woken by the NOTIFY each committing transaction sends, with a poll as the backstop.
  let relaying: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  const relay = (): Promise<void> => {
    if (relaying) {
      again = true;
      return relaying;
    }
    relaying = (async () => {
      try {
        do {
          again = false;
          while (!stopped && (await dispatcher.relay()) > 0);
        } while (again && !stopped);
      } catch (err) {
        log.error({ err: String(err) }, 'outbox relay failed; retrying on the next wake-up');
      } finally {
        relaying = undefined;
      }
    })();
    return relaying;
  };
  // Woken by each commit's NOTIFY; after a reconnection, a pass picks up what was missed meanwhile.
  const listener = new Listener(database.ownerUrl, OUTBOX_CHANNEL, log, { notification: () => void relay(), up: () => void relay() });
  await listener.start();
  const poll = setInterval(() => void relay(), RELAY_POLL_MS);

  await boss.work<DeliverJob>(
    DELIVER_QUEUE,
    { batchSize: 50, localConcurrency: 4, pollingIntervalSeconds: 0.5, notifyPollingIntervalSeconds: 1, burstWhenBatchFull: true },
    async (jobs) => dispatcher.deliver(jobs.map((j) => j.data)),
  );
  if (svix) {
    await svix.syncEventTypes(EVENT_CATALOGUE, Object.fromEntries(Object.values(EVENT_CATALOGUE).map((i) => [i.schema, resolvedSchema(i.schema, loadSpec())])));
    await boss.work<{ eventId: string }>(SVIX_QUEUE, { batchSize: 20, pollingIntervalSeconds: 0.5 }, async (jobs) => {
      const { rows } = await pool.query<EventRow>(`select id, tenant_id, type, created_at, data, request_id from events where id = any($1::text[])`, [
        jobs.map((j) => j.data.eventId),
      ]);
      for (const row of rows) await svix.publish({ id: row.id, type: row.type, tenant_id: row.tenant_id, payload: toEventDto(row) });
    });
  }
  await boss.work<{ exportId: string; tenantId: string }>(EXPORT_QUEUE, { pollingIntervalSeconds: 1 }, async ([job]) => {
    try {
      await audit.runExport(job!.data.tenantId, job!.data.exportId);
    } catch (err) {
      log.error({ err: String(err), export_id: job!.data.exportId }, 'audit export failed');
      await audit.failExport(job!.data.tenantId, job!.data.exportId, 'The export failed; create a new one.');
    }
  });

  const runRetention = async () => {
    const events = await pool.query(`delete from events where created_at < now() - make_interval(days => $1)`, [config.eventRetentionDays]);
    const auditLogs = await pool.query(
      `delete from audit_logs a using tenants t where a.tenant_id = t.id and a.occurred_at < now() - make_interval(days => t.audit_retention_days)`,
    );
    const exports = await pool.query(`update audit_exports set content = null where expires_at < now() and content is not null`);
    // Expired SSO flow state: requests and codes after a day, seen assertion ids once they expire.
    const sso = await pool.query(
      `with r as (delete from sso_requests where expires_at < now() - interval '1 day' returning 1),
            c as (delete from sso_codes where expires_at < now() - interval '1 day' returning 1),
            a as (delete from saml_assertion_ids where expires_at < now() returning 1)
       select (select count(*) from r) + (select count(*) from c) + (select count(*) from a) as n`,
    );
    const result = { events: events.rowCount ?? 0, auditLogs: auditLogs.rowCount ?? 0, exports: exports.rowCount ?? 0, ssoState: Number(sso.rows[0]?.n ?? 0) };
    if (result.events || result.auditLogs || result.exports || result.ssoState) log.info(result, 'retention applied');
    return result;
  };
  await boss.work(RETENTION_QUEUE, { pollingIntervalSeconds: 30 }, async () => void (await runRetention()));
  await boss.schedule(RETENTION_QUEUE, '17 * * * *');

  void relay();
  log.info({ backend: svix ? 'svix' : 'built-in' }, 'worker started');
  return {
    relayNow: relay,
    runRetention,
    async stop() {
      stopped = true;
      clearInterval(poll);
      await listener.close();
      await relaying;
      // stop() resolves before pg-boss has closed its pool; 'stopped' says it has.
      const closed = new Promise<void>((resolve) => boss.once('stopped', () => resolve()));
      await boss.stop({ graceful: true, timeout: 10_000 });
      await closed;
      dispatcher.close();
      await pool.end();
    },
  };
}
