import type { Plinth, PlinthEvent } from '@plinth/sdk';
import type { Command } from 'commander';
import { Webhook } from 'standardwebhooks';
import { connect } from '../client.js';
import { listenSecret, type ConnectionOptions } from '../config.js';
import { EventFeed } from '../event-feed.js';
import { CliError, isPlinthError, localTime, Output, PollHealth, sleep } from '../output.js';
import { EventPatterns } from '../patterns.js';
import { action } from '../run.js';
import { VERSION } from '../version.js';

interface ListenOptions extends ConnectionOptions {
  forwardTo: string;
  events?: string;
  interval: string;
  json?: boolean;
}

const FORWARD_TIMEOUT_MS = 30_000;

export function listenCommand(program: Command): void {
  program
    .command('listen')
    .description("Forward the tenant's new events to a local URL, signed like Plinth's webhooks")
    .requiredOption('--forward-to <url>', 'where to POST each event, e.g. http://localhost:4000/hooks')
    .option('--events <patterns>', "comma-separated event types; * is a wildcard (e.g. 'customer.*,member.*')", '*')
    .option('--interval <ms>', 'how often to poll for new events', '1000')
    .option('--api-key <key>', 'secret API key with events:read (default: PLINTH_API_KEY, or the stored login)')
    .option('--base-url <url>', 'the Plinth server (default: PLINTH_BASE_URL, the last login, or http://localhost:3000)')
    .option('--json', 'print one JSON object per forwarded event')
    .addHelpText(
      'after',
      `
Like stripe listen: prints a signing secret (whsec_..., created once per server and kept in the
config file, so it stays the same across runs), then polls GET /v1/events for events newer than the
moment it started and POSTs each one, in order, to --forward-to with Standard Webhooks headers
(webhook-id, webhook-timestamp, webhook-signature) and the same JSON body Plinth's webhooks carry.
Verify them with that secret (svix, standardwebhooks or Plinth.webhooks.verify). One line per event:
time, type, id and the receiver's status. A receiver that is down is reported and skipped. Ctrl+C stops.

Example:
  $ plinth listen --forward-to http://localhost:4000/hooks --events 'customer.*,member.*'`,
    )
    .action(action(listen));
}

async function listen(options: ListenOptions): Promise<void> {
  const out = new Output(Boolean(options.json));
  const forwardTo = forwardUrl(options.forwardTo);
  const interval = Number(options.interval);
  if (!Number.isInteger(interval) || interval < 100) throw new CliError('--interval takes a number of milliseconds, at least 100.');
  const { plinth, connection } = connect(options);
  const patterns = new EventPatterns(options.events);
  await warnAboutTypos(plinth, patterns, out);
  const feed = new EventFeed(plinth, patterns.serverFilter());
  await feed.start();

  const secret = listenSecret(connection.baseUrl);
  const webhook = new Webhook(secret);
  out.line(`Ready! Your webhook signing secret is ${secret} (^C to quit)`);
  out.line(`Forwarding ${patterns} events from ${connection.baseUrl} to ${forwardTo}`);
  out.data({ ready: true, secret, forward_to: forwardTo, events: patterns.patterns });

  const quit = () => process.exit(0);
  process.once('SIGINT', quit);
  process.once('SIGTERM', quit);
  const polling = new PollHealth(out);
  for (;;) {
    let events: PlinthEvent[] = [];
    try {
      events = await feed.poll();
      polling.ok();
    } catch (err) {
      // A server restarting is worth waiting for; a key that stopped working is not.
      if (isPlinthError(err) && (err.kind === 'authentication' || err.kind === 'permission')) throw err;
      polling.failed(err);
    }
    for (const event of events) if (patterns.matches(event.type)) await forward(event, forwardTo, webhook, out);
    await sleep(interval);
  }
}

function forwardUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.href;
  } catch {
    // reported below
  }
  throw new CliError(`--forward-to needs an http(s) URL, such as http://localhost:4000/hooks (got '${raw}').`);
}

async function warnAboutTypos(plinth: Plinth, patterns: EventPatterns, out: Output): Promise<void> {
  const { data } = await plinth.eventTypes.list();
  const unmatched = patterns.unmatched(data.map((t) => t.type));
  if (unmatched.length) out.note(`Warning: no event type matches ${unmatched.map((p) => `'${p}'`).join(', ')} (see GET /v1/event-types).`);
}

/** POSTs one event the way Plinth's webhook dispatcher does: the event as the body, its id as webhook-id. */
async function forward(event: PlinthEvent, url: string, webhook: Webhook, out: Output): Promise<void> {
  const body = JSON.stringify(event);
  const now = new Date();
  const headers = {
    'content-type': 'application/json',
    'user-agent': `Plinth-CLI/${VERSION}`,
    'webhook-id': event.id,
    'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
    'webhook-signature': webhook.sign(event.id, now, body),
  };
  const started = performance.now();
  let status: number | null = null;
  let error: string | null = null;
  try {
    const response = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(FORWARD_TIMEOUT_MS) });
    await response.arrayBuffer();
    status = response.status;
  } catch (err) {
    error = networkError(err);
  }
  const durationMs = Math.round(performance.now() - started);
  const time = localTime(now);
  out.data({ time: now.toISOString(), id: event.id, type: event.type, status, duration_ms: durationMs, error });
  out.line(`${time}  ${event.type.padEnd(26)} ${event.id}  -> ${status !== null ? `[${status}] in ${durationMs} ms` : `error: ${error}`}`);
}

/** fetch's "fetch failed" hides the reason (ECONNREFUSED, a timeout) in its cause. */
function networkError(err: unknown): string {
  if (err instanceof Error && err.name === 'TimeoutError') return `no answer within ${FORWARD_TIMEOUT_MS / 1000} s`;
  const cause = err instanceof Error ? (err.cause as Error | undefined) : undefined;
  return cause?.message ?? (err instanceof Error ? err.message : String(err));
}
