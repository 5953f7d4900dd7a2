/**
 * Webhook delivery benchmark: 1,000 events to 3 endpoints (3,000 deliveries), through the whole
 * pipeline: API request -> transaction with the outbox row -> relay -> pg-boss -> signed POST.
 *
 *   npm run bench                      (embedded PostgreSQL in a temp dir)
 *   DATABASE_URL=postgres://... npm run bench
 *
 * Reports total delivery time and commit-to-delivery latency percentiles, beside two baselines
 * measured in the same run on the same machine: the API creating the same 1,000 customers with no
 * endpoint, and 3,000 signed POSTs sent straight to the receivers (the network floor).
 */
import 'reflect-metadata';
import http from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import pino from 'pino';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/core/config.js';
import { startEmbeddedPostgres } from '../src/core/db/embedded.js';
import { startRuntime } from '../src/core/runtime.js';
import { registry } from '../src/modules/index.js';
import { signatureHeader } from '../src/modules/webhooks/signing.js';
import { startWorker } from '../src/worker.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1000);
const ENDPOINTS = 3;
const CONCURRENCY = 20;

interface Arrival {
  eventId: string;
  createdAt: number;
  at: number;
}

async function receiver(arrivals: Arrival[]): Promise<{ url: string; close: () => void }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = Date.now();
      const body = Buffer.concat(chunks).toString('utf8');
      if (req.headers['webhook-signature']) {
        try {
          const event = JSON.parse(body) as { id: string; created_at: string };
          arrivals.push({ eventId: event.id, createdAt: Date.parse(event.created_at), at });
        } catch {
          // the floor baseline posts opaque bodies
        }
      }
      res.writeHead(200).end('ok');
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

async function pool<T>(items: T[], n: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function main(): Promise<void> {
  const log = pino({ level: 'warn' });
  const tmp = mkdtempSync(join(tmpdir(), 'plinth-bench-'));
  const embedded = process.env.DATABASE_URL ? undefined : await startEmbeddedPostgres(tmp, log);
  const server = new URL(process.env.DATABASE_URL ?? embedded!.url);
  const dbName = `plinth_bench_${Date.now()}`;
  const dbUrl = new URL(server);
  dbUrl.pathname = `/${dbName}`;
  const config = loadConfig({
    databaseUrl: dbUrl.toString(),
    dataDir: tmp,
    secret: 'bench-secret-0123456789abcdefghijklmnopqrstuvwxyz',
    rootKey: 'sk_live_benchrootkey000000000000000000000',
    apiKeyRateLimit: 1_000_000,
    tenantRateLimit: 1_000_000,
    rateLimitStore: 'memory',
  });
  config.webhooks.allowPrivateNetworks = true;
  const runtime = await startRuntime(registry, config, log);
  const worker = await startWorker(runtime.deps, runtime.database);
  const { app } = createApp(runtime.deps);
  const api = await new Promise<http.Server>((r) => {
    const s = app.listen(0, '127.0.0.1', () => r(s));
  });
  const base = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const call = async (method: string, path: string, auth: string | undefined, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as Record<string, unknown>;
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const tenant = async (name: string) => {
    const s = await call('POST', '/v1/auth/signup', undefined, {
      email: `${name}.${Date.now()}@bench.local`,
      password: 'correct horse battery staple',
      name,
      tenant_name: name,
    });
    const key = await call('POST', '/v1/api-keys', s.access_token as string, { name: 'bench', scopes: ['customers:write', 'webhooks:write'] });
    return key.secret as string;
  };
  const createCustomers = async (key: string) => {
    const started = performance.now();
    await pool([...Array(EVENTS).keys()], CONCURRENCY, async (i) => void (await call('POST', '/v1/customers', key, { name: `Customer ${i}` })));
    return performance.now() - started;
  };

  // Baseline 1: the API alone (no endpoint subscribed), same requests, same concurrency.
  const quietKey = await tenant('quiet');
  await createCustomers(quietKey); // warm-up
  const apiOnlyMs = await createCustomers(quietKey);

  // The run: 3 endpoints subscribed to customer.created.
  const arrivals: Arrival[] = [];
  const receivers = await Promise.all(Array.from({ length: ENDPOINTS }, () => receiver(arrivals)));
  const key = await tenant('loud');
  for (const r of receivers) await call('POST', '/v1/webhook-endpoints', key, { url: `${r.url}/hook`, event_types: ['customer.created'] });
  const started = Date.now();
  const createMs = await createCustomers(key);
  const expected = EVENTS * ENDPOINTS;
  while (arrivals.length < expected && Date.now() - started < 120_000) await new Promise((r) => setTimeout(r, 20));
  const totalMs = Date.now() - started;
  const latencies = arrivals.map((a) => a.at - a.createdAt).sort((x, y) => x - y);

  // Baseline 2: the floor, 3,000 signed POSTs of the same size straight to the receivers.
  const floorArrivals: Arrival[] = [];
  const floorReceivers = await Promise.all(Array.from({ length: ENDPOINTS }, () => receiver(floorArrivals)));
  const body = JSON.stringify({ id: 'evt_floor', created_at: new Date().toISOString(), padding: 'x'.repeat(500) });
  const floorStarted = performance.now();
  await pool([...Array(expected).keys()], 30, async (i) => {
    const target = floorReceivers[i % ENDPOINTS]!.url;
    const ts = Math.floor(Date.now() / 1000);
    await new Promise<void>((resolve, reject) => {
      const req = http.request(
        `${target}/hook`,
        {
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'webhook-id': 'evt_floor',
            'webhook-timestamp': String(ts),
            'webhook-signature': signatureHeader(['whsec_' + Buffer.alloc(24, 1).toString('base64')], 'evt_floor', ts, body),
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve());
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  });
  const floorMs = performance.now() - floorStarted;

  const distinct = new Set(arrivals.map((a) => a.eventId)).size;
  const report = {
    events: EVENTS,
    endpoints: ENDPOINTS,
    deliveries: arrivals.length,
    distinct_events: distinct,
    database: embedded ? 'embedded PostgreSQL 18' : 'DATABASE_URL',
    api_create_ms_with_endpoints: Math.round(createMs),
    total_delivery_ms: totalMs,
    latency_ms: { p50: pct(latencies, 50), p95: pct(latencies, 95), p99: pct(latencies, 99), max: latencies[latencies.length - 1] },
    baseline_api_only_create_ms: Math.round(apiOnlyMs),
    baseline_raw_posts_ms: Math.round(floorMs),
    ratio_total_vs_api_only: +(totalMs / apiOnlyMs).toFixed(2),
    ratio_total_vs_raw_posts: +(totalMs / floorMs).toFixed(2),
    targets: { all_delivered_within_10s: arrivals.length >= expected && totalMs <= 10_000, p95_under_1s: pct(latencies, 95) < 1000 },
  };
  const dir = join(__dirname, '..', '..', 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `webhooks-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
  process.stdout.write(JSON.stringify(report, null, 2) + `\nwritten to ${file}\n`);

  for (const r of [...receivers, ...floorReceivers]) r.close();
  agent.destroy();
  api.closeAllConnections();
  api.close();
  await worker.stop();
  await runtime.close();
  const adminUrl = new URL(server);
  adminUrl.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  await admin.query(`drop database if exists ${dbName} with (force)`);
  await admin.end();
  await embedded?.stop();
  rmSync(tmp, { recursive: true, force: true });
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
