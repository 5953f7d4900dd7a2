import { onWakeUp } from '../../core/db/wake-up.js';
import { toEventDto, type EventRow } from '../../core/events/envelope.js';
import { OUTBOX_CHANNEL } from '../../core/events/record.js';
import type { ModuleWorker, WorkerContext } from '../../core/module.js';
import { loadSpec, resolvedSchema } from '../../core/spec.js';
import { Dispatcher, SVIX_QUEUE, type DeliverJob } from './dispatcher.js';
import { SvixBackend } from './svix.js';
import { DELIVER_QUEUE } from './webhooks.service.js';

const RELAY_POLL_MS = 1000;

/**
 * Relays the outbox into deliveries (or Svix) and delivers them. Woken by the NOTIFY each committing
 * transaction sends, with a poll as the backstop; after a reconnection a pass picks up what was missed.
 */
export async function startWebhooksWorker({ deps, boss, pool, ownerUrl }: WorkerContext): Promise<ModuleWorker> {
  const { config, log, registry } = deps;
  const dispatcher = new Dispatcher(config, pool, boss, deps.orm, log);
  const svix = config.svix ? new SvixBackend(config.svix.apiKey, config.svix.serverUrl, registry.eventTypes) : undefined;

  const relay = await onWakeUp({ url: ownerUrl, channel: OUTBOX_CHANNEL, pollMs: RELAY_POLL_MS, log, what: 'outbox relay' }, () => dispatcher.relay());

  await boss.work<DeliverJob>(
    DELIVER_QUEUE,
    { batchSize: 50, localConcurrency: 4, pollingIntervalSeconds: 0.5, notifyPollingIntervalSeconds: 1, burstWhenBatchFull: true },
    async (jobs) => dispatcher.deliver(jobs.map((j) => j.data)),
  );
  if (svix) {
    const spec = loadSpec();
    await svix.syncEventTypes(registry.events, Object.fromEntries(Object.values(registry.events).map((i) => [i.schema, resolvedSchema(i.schema, spec)])));
    await boss.work<{ eventId: string }>(SVIX_QUEUE, { batchSize: 20, pollingIntervalSeconds: 0.5 }, async (jobs) => {
      const { rows } = await pool.query<EventRow>(`select id, tenant_id, type, created_at, data, request_id from events where id = any($1::text[])`, [
        jobs.map((j) => j.data.eventId),
      ]);
      for (const row of rows) await svix.publish({ id: row.id, type: row.type, tenant_id: row.tenant_id, payload: toEventDto(row) });
    });
  }
  log.info({ backend: svix ? 'svix' : 'built-in' }, 'webhook relay started');
  return {
    relayNow: relay.now,
    stop: relay.stop,
    close: () => dispatcher.close(),
  };
}
