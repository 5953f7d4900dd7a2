import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { PgBoss } from 'pg-boss';
import type { Db as IDatabase, JobInsert } from 'pg-boss';
import type { Logger } from 'pino';
import type { Config } from '../../core/config.js';
import { inTenant, systemGrant } from '../../core/db/unit-of-work.js';
import { record, systemOrigin } from '../../core/events/record.js';
import { newId } from '../../core/ids.js';
import type { MikroORM } from '@mikro-orm/postgresql';
import { change } from '../../core/events/change.js';
import { matchesFilter } from '../../core/events/filters.js';
import { toEventDto, type EventRow } from '../../core/events/envelope.js';
import { toEndpointDto } from './webhooks.dto.js';
import { WebhookEndpoint } from './webhooks.entity.js';
import { secretBox, DELIVER_QUEUE } from './webhooks.service.js';
import { WebhookSender, type SendResult } from './sender.js';
import { signatureHeader } from './signing.js';
import {
  clearFailingSince,
  enabledEndpointsOf,
  failDeliveryWithoutAttempt,
  insertPendingDeliveries,
  markEndpointFailing,
  recordFailedAttempt,
  recordSucceededDeliveries,
} from './webhooks.repository.js';
import type { SecretBox } from '../../core/secret-box.js';

export const SVIX_QUEUE = 'svix-publish';
const RELAY_BATCH = 500;

export interface DeliverJob {
  deliveryId: string;
  token: string;
}

interface DeliveryRow extends EventRow {
  delivery_id: string;
  endpoint_id: string;
  status: string;
  attempt_count: number;
  job_token: string | null;
  url: string;
  enabled: boolean;
  secret_enc: string;
  previous_secret_enc: string | null;
  previous_secret_expires_at: Date | null;
}

/** pg-boss statements on our own transaction's client, so jobs commit with the rows that need them. */
function onClient(client: pg.PoolClient): IDatabase {
  return { executeSql: async (text, values) => ({ rows: (await client.query(text, values as unknown[])).rows }) };
}

async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (err) {
    await client.query('rollback').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/** Bounds deliveries in flight per endpoint within this process. */
class KeyedSemaphore {
  private readonly active = new Map<string, number>();
  private readonly waiting = new Map<string, (() => void)[]>();

  constructor(private readonly limit: number) {}

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    if ((this.active.get(key) ?? 0) >= this.limit) {
      await new Promise<void>((resolve) => this.waiting.set(key, [...(this.waiting.get(key) ?? []), resolve]));
    }
    this.active.set(key, (this.active.get(key) ?? 0) + 1);
    try {
      return await work();
    } finally {
      const left = (this.active.get(key) ?? 1) - 1;
      if (left) this.active.set(key, left);
      else this.active.delete(key);
      const next = this.waiting.get(key)?.shift();
      if (next) next();
      if (this.waiting.get(key)?.length === 0) this.waiting.delete(key);
    }
  }
}

/**
 * The worker side of webhooks. `relay` moves committed events out of the outbox: it fans each out
 * to the matching endpoints (or to Svix) and moves queued API work (tests, retries, replays,
 * exports) into pg-boss, all in one transaction, so a crash at any point loses nothing and
 * duplicates nothing. `deliver` sends deliveries, records every attempt and schedules retries.
 */
export class Dispatcher {
  private readonly sender: WebhookSender;
  private readonly box: SecretBox;
  private readonly semaphore: KeyedSemaphore;

  constructor(
    private readonly config: Config,
    private readonly pool: pg.Pool,
    private readonly boss: PgBoss,
    private readonly orm: MikroORM,
    private readonly log: Logger,
  ) {
    this.sender = new WebhookSender(config.webhooks.timeoutMs, config.webhooks.allowPrivateNetworks);
    this.box = secretBox(config.secret);
    this.semaphore = new KeyedSemaphore(config.webhooks.endpointConcurrency);
  }

  /** One relay pass; returns how many outbox rows it moved (call again while it returns a full batch). */
  async relay(): Promise<number> {
    return inTransaction(this.pool, async (client) => {
      const db = onClient(client);
      const { rows: events } = await client.query<{ id: string; tenant_id: string; type: string }>(
        `select id, tenant_id, type from events where relayed_at is null order by id limit $1 for update skip locked`,
        [RELAY_BATCH],
      );
      if (events.length) {
        if (this.config.svix) {
          await this.boss.insert(
            SVIX_QUEUE,
            events.map((e) => ({ data: { eventId: e.id } })),
            { db },
          );
        } else {
          await this.fanOut(client, db, events);
        }
        await client.query(`update events set relayed_at = now() where id = any($1::text[])`, [events.map((e) => e.id)]);
      }
      const { rows: work } = await client.query<{ queue: string; data: Record<string, unknown>; start_after: Date | null }>(
        `delete from job_outbox where id in (select id from job_outbox order by id limit $1 for update skip locked) returning queue, data, start_after`,
        [RELAY_BATCH],
      );
      const byQueue = new Map<string, JobInsert[]>();
      for (const w of work) {
        byQueue.set(w.queue, [...(byQueue.get(w.queue) ?? []), { data: w.data, startAfter: w.start_after ?? undefined }]);
      }
      for (const [queue, jobs] of byQueue) await this.boss.insert(queue, jobs, { db });
      return events.length + work.length;
    });
  }

  private async fanOut(client: pg.PoolClient, db: IDatabase, events: { id: string; tenant_id: string; type: string }[]): Promise<void> {
    const tenants = [...new Set(events.map((e) => e.tenant_id))];
    const endpoints = await enabledEndpointsOf(client, tenants);
    if (!endpoints.length) return;
    const ids: string[] = [];
    const tenantIds: string[] = [];
    const endpointIds: string[] = [];
    const eventIds: string[] = [];
    const tokens: string[] = [];
    for (const event of events) {
      for (const endpoint of endpoints) {
        if (endpoint.tenant_id !== event.tenant_id || !matchesFilter(endpoint.event_types, event.type)) continue;
        ids.push(newId('webhookDelivery'));
        tenantIds.push(event.tenant_id);
        endpointIds.push(endpoint.id);
        eventIds.push(event.id);
        tokens.push(randomBytes(9).toString('base64url'));
      }
    }
    if (!ids.length) return;
    const created = await insertPendingDeliveries(client, { ids, tenantIds, endpointIds, eventIds, tokens });
    if (created.length) {
      await this.boss.insert(
        DELIVER_QUEUE,
        created.map((d) => ({ data: { deliveryId: d.id, token: d.job_token } })),
        { db },
      );
    }
  }

  /** Sends a batch of deliveries concurrently (bounded per endpoint) and records each outcome. */
  async deliver(jobs: DeliverJob[]): Promise<void> {
    if (!jobs.length) return;
    const { rows } = await this.pool.query<DeliveryRow>(
      `select d.id as delivery_id, d.endpoint_id, d.status, d.attempt_count, d.job_token,
              e.id, e.tenant_id, e.type, e.created_at, e.data, e.request_id,
              w.url, w.enabled, w.secret_enc, w.previous_secret_enc, w.previous_secret_expires_at
         from webhook_deliveries d
         join events e on e.id = d.event_id
         join webhook_endpoints w on w.id = d.endpoint_id
        where d.id = any($1::text[])`,
      [jobs.map((j) => j.deliveryId)],
    );
    const byId = new Map(rows.map((r) => [r.delivery_id, r]));
    const bodies = new Map<string, string>();
    const succeeded: { row: DeliveryRow; result: SendResult }[] = [];
    await Promise.all(
      jobs.map(async (job) => {
        const row = byId.get(job.deliveryId);
        // A stale job: the delivery was deleted, re-scheduled (retry, replay) or already settled.
        if (!row || row.job_token !== job.token || row.status !== 'pending') return;
        if (!row.enabled) {
          await failDeliveryWithoutAttempt(this.pool, row.delivery_id, 'endpoint disabled');
          return;
        }
        let body = bodies.get(row.id);
        if (!body) bodies.set(row.id, (body = JSON.stringify(toEventDto(row))));
        const result = await this.semaphore.run(row.endpoint_id, () => this.sender.send(row.url, this.headers(row, body), body));
        if (result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300) succeeded.push({ row, result });
        else await this.failed(row, result);
      }),
    );
    if (succeeded.length) await this.recordSuccesses(succeeded);
  }

  private headers(row: DeliveryRow, body: string): Record<string, string> {
    const secrets = [this.box.open(row.secret_enc)];
    if (row.previous_secret_enc && row.previous_secret_expires_at && new Date(row.previous_secret_expires_at) > new Date()) {
      secrets.push(this.box.open(row.previous_secret_enc));
    }
    const timestamp = Math.floor(Date.now() / 1000);
    // The event id is the message id: the same on every retry, so receivers can de-duplicate.
    return { 'webhook-id': row.id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signatureHeader(secrets, row.id, timestamp, body) };
  }

  private attempt(result: SendResult): string {
    return JSON.stringify([
      {
        attempted_at: new Date().toISOString(),
        status_code: result.statusCode,
        duration_ms: result.durationMs,
        response_excerpt: result.excerpt,
        error: result.error,
      },
    ]);
  }

  private async recordSuccesses(done: { row: DeliveryRow; result: SendResult }[]): Promise<void> {
    await recordSucceededDeliveries(this.pool, {
      ids: done.map((d) => d.row.delivery_id),
      tokens: done.map((d) => d.row.job_token),
      codes: done.map((d) => d.result.statusCode),
      durationsMs: done.map((d) => d.result.durationMs),
      excerpts: done.map((d) => d.result.excerpt),
      attempts: done.map((d) => this.attempt(d.result)),
    });
    await clearFailingSince(this.pool, [...new Set(done.map((d) => d.row.endpoint_id))]);
  }

  /** Records the failed attempt and, in the same transaction, schedules the next one (or gives up). */
  private async failed(row: DeliveryRow, result: SendResult): Promise<void> {
    const schedule = this.config.webhooks.retrySchedule;
    const attempt = row.attempt_count + 1;
    const next = attempt < schedule.length ? new Date(Date.now() + schedule[attempt]! * 1000) : null;
    const token = next ? randomBytes(9).toString('base64url') : null;
    const disable = await inTransaction(this.pool, async (client) => {
      const recorded = await recordFailedAttempt(client, {
        deliveryId: row.delivery_id,
        jobToken: row.job_token,
        status: next ? 'pending' : 'failed',
        nextAttemptAt: next,
        nextToken: token,
        statusCode: result.statusCode,
        durationMs: result.durationMs,
        excerpt: result.excerpt,
        error: result.error,
        attempt: this.attempt(result),
      });
      if (!recorded) return false;
      if (next) await this.boss.send(DELIVER_QUEUE, { deliveryId: row.delivery_id, token }, { startAfter: next, db: onClient(client) });
      const since = await markEndpointFailing(client, row.endpoint_id);
      return !!since && Date.now() - new Date(since).getTime() >= this.config.webhooks.disableAfterSeconds * 1000;
    });
    if (disable) await this.disable(row.tenant_id, row.endpoint_id);
  }

  /** Disables an endpoint that has failed without a success for too long, and says so with an event. */
  private async disable(tenantId: string, endpointId: string): Promise<void> {
    await inTenant(this.orm, systemGrant(tenantId, 'the dispatcher disables a failing endpoint'), async (em) => {
      const endpoint = await em.findOne(WebhookEndpoint, { id: endpointId });
      if (!endpoint?.enabled) return;
      const hours = Math.round(this.config.webhooks.disableAfterSeconds / 360) / 10;
      endpoint.enabled = false;
      endpoint.disabledReason = `Every delivery failed for ${hours} hours; fix the receiver, then re-enable the endpoint.`;
      await em.flush();
      await record(em, tenantId, systemOrigin, [change('webhook_endpoint.disabled', toEndpointDto(endpoint), { enabled: true, disabled_reason: null })]);
    });
    this.log.warn({ endpoint_id: endpointId, tenant_id: tenantId }, 'webhook endpoint disabled after failing continuously');
  }

  close(): void {
    this.sender.close();
  }
}
