import type { Plinth, PlinthEvent, WebhookDeliveryDto, WebhookEndpointDto } from '@plinth/sdk';
import type { Command } from 'commander';
import { connect } from '../client.js';
import type { ConnectionOptions } from '../config.js';
import { EventFeed } from '../event-feed.js';
import { CliError, describeError, isPlinthError, localTime, Output, PollHealth, sleep } from '../output.js';
import { action } from '../run.js';

interface LogsOptions extends ConnectionOptions {
  limit: string;
  tail?: boolean;
  interval: string;
  json?: boolean;
}

/** One line of the log: an event, or a webhook delivery's latest state. */
interface Entry {
  at: string;
  text: string;
  json: Record<string, unknown>;
}

/** Re-read the endpoint list every this many polls (endpoints come and go rarely). */
const ENDPOINTS_EVERY = 10;

export function logsCommand(program: Command): void {
  program
    .command('logs')
    .description("Show the tenant's recent events and webhook deliveries; --tail follows them")
    .option('--limit <n>', 'how many recent events, and deliveries per endpoint, to show (1 to 100)', '20')
    .option('--tail', 'keep polling and print new events and delivery updates as they happen (Ctrl+C stops)')
    .option('--interval <ms>', 'with --tail, how often to poll', '2000')
    .option('--api-key <key>', 'secret API key with events:read and webhooks:read (default: PLINTH_API_KEY, or the stored login)')
    .option('--base-url <url>', 'the Plinth server (default: PLINTH_BASE_URL, the last login, or http://localhost:3000)')
    .option('--json', 'print one JSON object per line ({"kind":"event",...} or {"kind":"delivery",...})')
    .addHelpText(
      'after',
      `
What it shows, oldest first:
  event     each event of the tenant (GET /v1/events): time, type, id
  delivery  each webhook delivery of every endpoint (GET /v1/webhook-endpoints/{id}/deliveries): time
            of its last attempt, event type and id, endpoint URL, status, last HTTP status, attempts
Plinth has no API request log yet (a later release adds GET /v1/request-logs), so API requests
themselves are not shown; each event names the request that caused it.

Examples:
  $ plinth logs
  $ plinth logs --tail --json`,
    )
    .action(action(logs));
}

async function logs(options: LogsOptions): Promise<void> {
  const out = new Output(Boolean(options.json));
  const limit = Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new CliError('--limit takes a whole number from 1 to 100.');
  const interval = Number(options.interval);
  if (!Number.isInteger(interval) || interval < 100) throw new CliError('--interval takes a number of milliseconds, at least 100.');
  const { plinth } = connect(options);
  const log = new TenantLog(plinth, limit, out);

  const feed = options.tail ? new EventFeed(plinth) : undefined;
  // Before the first listing, so nothing that happens in between is missed (repeats are dropped below).
  await feed?.start().catch((err: unknown) => {
    if (!isPlinthError(err) || err.code !== 'missing_permission') throw err; // the listing says it
  });
  const recent = await log.recent();
  print(out, recent.entries);
  if (!feed) return;

  process.once('SIGINT', () => process.exit(0));
  process.once('SIGTERM', () => process.exit(0));
  let shown: Set<string> | undefined = recent.eventIds;
  const health = new PollHealth(out);
  for (let tick = 1; ; tick++) {
    await sleep(interval);
    try {
      const events = log.events ? (await feed.poll()).filter((e) => !shown?.has(e.id)) : [];
      shown = undefined; // the feed never repeats itself: only its first poll overlaps the listing
      const deliveries = await log.deliveryChanges(tick % ENDPOINTS_EVERY === 0);
      print(out, [...events.map(eventEntry), ...deliveries]);
      health.ok();
    } catch (err) {
      if (isPlinthError(err) && (err.kind === 'authentication' || err.kind === 'permission')) throw err;
      health.failed(err);
    }
  }
}

function print(out: Output, entries: Entry[]): void {
  for (const e of entries.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))) {
    out.line(e.text);
    out.data(e.json);
  }
}

/** The sources a key can read: a key without events:read or webhooks:read still sees the other. */
class TenantLog {
  events = true;
  deliveries = true;
  private endpoints: WebhookEndpointDto[] = [];
  /** The last state printed of each delivery on the endpoints' first pages: `status/attempt_count`. */
  private states = new Map<string, string>();

  constructor(
    private readonly plinth: Plinth,
    private readonly limit: number,
    private readonly out: Output,
  ) {}

  async recent(): Promise<{ entries: Entry[]; eventIds: Set<string> }> {
    const events = await this.unlessForbidden('events', 'events:read', async () => (await this.plinth.events.list({ limit: this.limit })).data);
    const deliveries = await this.unlessForbidden('deliveries', 'webhooks:read', () => this.deliveryChanges(true));
    if (!this.events && !this.deliveries) throw new CliError('This key can read neither events (events:read) nor webhook deliveries (webhooks:read).');
    return { entries: [...(events ?? []).map(eventEntry), ...(deliveries ?? [])], eventIds: new Set((events ?? []).map((e) => e.id)) };
  }

  /** Deliveries that are new or changed since the last call, on each endpoint's first page. */
  async deliveryChanges(refreshEndpoints: boolean): Promise<Entry[]> {
    if (!this.deliveries) return [];
    if (refreshEndpoints) this.endpoints = await this.plinth.webhookEndpoints.list({ limit: 100 }).toArray();
    const entries: Entry[] = [];
    const states = new Map<string, string>();
    for (const endpoint of this.endpoints) {
      const { data } = await this.plinth.webhookEndpoints.listDeliveries(endpoint.id, { limit: this.limit });
      for (const d of data) {
        const state = `${d.status}/${d.attempt_count}`;
        states.set(d.id, state);
        if (this.states.get(d.id) !== state) entries.push(deliveryEntry(d, endpoint));
      }
    }
    this.states = states;
    return entries;
  }

  private async unlessForbidden<T>(source: 'events' | 'deliveries', scope: string, read: () => Promise<T>): Promise<T | undefined> {
    try {
      return await read();
    } catch (err) {
      if (!isPlinthError(err) || err.code !== 'missing_permission') throw err;
      this[source] = false;
      this.out.note(`Not showing ${source === 'events' ? 'events' : 'webhook deliveries'}: ${describeError(err)} (needs ${scope}).`);
      return undefined;
    }
  }
}

function eventEntry(e: PlinthEvent): Entry {
  const request = e.request.id ? `  (request ${e.request.id})` : '';
  return { at: e.created_at, text: `${localTime(e.created_at)}  event     ${e.type.padEnd(26)} ${e.id}${request}`, json: { kind: 'event', ...e } };
}

function deliveryEntry(d: WebhookDeliveryDto, endpoint: WebhookEndpointDto): Entry {
  const last = d.attempts[d.attempts.length - 1];
  const at = last?.attempted_at ?? d.updated_at;
  const answer = d.last_status_code !== null ? ` [${d.last_status_code}]` : d.last_error ? ` (${d.last_error})` : '';
  const attempts = `${d.attempt_count} attempt${d.attempt_count === 1 ? '' : 's'}`;
  const next = d.status === 'pending' && d.next_attempt_at ? `, next at ${localTime(d.next_attempt_at)}` : '';
  return {
    at,
    text: `${localTime(at)}  delivery  ${d.event_type.padEnd(26)} ${d.event_id} -> ${endpoint.url}  ${d.status}${answer}, ${attempts}${next}  ${d.id}`,
    json: { kind: 'delivery', endpoint_url: endpoint.url, ...d },
  };
}
