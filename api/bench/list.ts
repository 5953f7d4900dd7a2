/**
 * List benchmark: `GET /v1/customers?limit=20` with an API key (rate limiting on), against the floor
 * of our stack (bench/floor-server.ts: node:http + pg doing the same key look-up and query), with
 * 1,000 and with 1,000,000 customers in the tenant; plus cold start on an embedded database and RSS
 * under load. Plinth and the floor run as their own processes; autocannon drives them from here.
 *
 *   npm run bench   (writes api/bench/results/list-<timestamp>.json)
 */
import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import pino from 'pino';
import { appUrl } from '../src/core/db/database.js';
import { startEmbeddedPostgres } from '../src/core/db/embedded.js';

const API = join(__dirname, '..', 'src', 'main.js');
const FLOOR = join(__dirname, 'floor-server.js');
const SECRET = 'bench-secret-0123456789abcdefghijklmnopqrstuvwxyz';
const ROOT_KEY = 'sk_live_benchrootkey000000000000000000000';
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const BIG = Number(process.env.BENCH_BIG ?? 1_000_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// The Node flags `npm start` uses (api/package.json), so the figures are those of a real start.
const NODE_FLAGS = ['--max-semi-space-size=8', `--max-old-space-size=${process.env.PLINTH_HEAP_MB ?? 160}`];

function start(file: string, env: Record<string, string>, ready: RegExp): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, [...NODE_FLAGS, file], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${file} not ready:\n${output}`)), 60_000);
    const onData = (d: Buffer) => {
      // Keep only the beginning: request logs are not needed, and they must not fill memory.
      if (output.length < 20_000) output += d.toString();
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve({ child, output: () => output });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`${file} exited with ${code}:\n${output}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.removeAllListeners('exit');
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
  });
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024);
}

async function load(url: string, key: string, pid?: number) {
  const run = (duration: number) =>
    new Promise<autocannon.Result>((resolve, reject) =>
      autocannon({ url, connections: CONNECTIONS, duration, headers: { authorization: `Bearer ${key}` } }, (err, result) =>
        err ? reject(err) : resolve(result),
      ),
    );
  await run(3); // warm-up: JIT, connection pools, caches
  let peakRss = 0;
  const sampler = pid ? setInterval(() => (peakRss = Math.max(peakRss, rssMb(pid))), 250) : undefined;
  const r = await run(DURATION);
  if (sampler) clearInterval(sampler);
  return {
    requests_per_second: Math.round(r.requests.average),
    latency_ms: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max },
    non_2xx: r.non2xx,
    errors: r.errors,
    ...(pid ? { peak_rss_mb: peakRss } : {}),
  };
}

/** Customers for a tenant, straight into the table (ids sort like ULIDs, newest last). */
async function seed(owner: pg.Client, tenantId: string, count: number, tag: string): Promise<void> {
  const batch = 250_000;
  for (let from = 1; from <= count; from += batch) {
    const to = Math.min(count, from + batch - 1);
    await owner.query(
      `insert into customers (id, tenant_id, name, email, phone, company, metadata, created_at, updated_at)
       select 'cus_0' || $3 || lpad(n::text, 24, '0'), $1, 'Customer ' || n, 'c' || n || '@example.com', null, 'Co ' || (n % 97), '{}',
              now() - make_interval(secs => ($2 - n) / 1000.0), now()
         from generate_series($4::int, $5::int) n`,
      [tenantId, count, tag, from, to],
    );
  }
}

async function main(): Promise<void> {
  const log = pino({ level: 'warn' });
  const work = mkdtempSync(join(tmpdir(), 'plinth-bench-list-'));
  chmodSync(work, 0o755); // the embedded PostgreSQL runs as its own user, which must traverse this folder
  const results: Record<string, unknown> = {
    machine: { cores: (await import('node:os')).cpus().length, node: process.version },
    connections: CONNECTIONS,
    seconds: DURATION,
  };

  // 1. Cold start: a fresh data directory each time, so initdb, migrations and bootstrap all run. Median of 3.
  const colds: number[] = [];
  for (let i = 0; i < 3; i++) {
    const coldDir = join(work, `cold-${i}`);
    const t0 = performance.now();
    const cold = spawn(process.execPath, [...NODE_FLAGS, API], {
      env: { PATH: process.env.PATH ?? '', PLINTH_DATA_DIR: coldDir, PORT: '39123', PLINTH_SECRET: SECRET, LOG_LEVEL: 'warn' },
      stdio: 'ignore',
    });
    for (;;) {
      const ok = await fetch('http://127.0.0.1:39123/readyz')
        .then((r) => r.status === 200)
        .catch(() => false);
      if (ok) break;
      if (performance.now() - t0 > 60_000) throw new Error('cold start took over 60 s');
      await sleep(10);
    }
    colds.push(Math.round(performance.now() - t0));
    await stop(cold);
  }
  results.cold_start_ms = colds.sort((a, b) => a - b)[1];
  results.cold_start_runs_ms = colds;

  // 2. A database for the load runs, then Plinth and the floor on it.
  const embedded = await startEmbeddedPostgres(join(work, 'db'), log);
  const owner = new pg.Client({ connectionString: embedded.url.replace(/\/plinth$/, '/postgres') });
  await owner.connect();
  await owner.query('create database bench');
  await owner.end();
  const dbUrl = embedded.url.replace(/\/plinth$/, '/bench');
  const plinth = await start(
    API,
    {
      DATABASE_URL: dbUrl,
      PORT: '39124',
      PLINTH_SECRET: SECRET,
      PLINTH_ROOT_KEY: ROOT_KEY,
      PLINTH_DATA_DIR: work,
      API_KEY_RATE_LIMIT: '100000000',
      TENANT_RATE_LIMIT: '100000000',
    },
    /listening on/,
  );
  const base = 'http://127.0.0.1:39124';
  const call = async (path: string, auth: string | undefined, body: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
      body: JSON.stringify(body),
    });
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as Record<string, string>;
  };
  const tenant = async (name: string) => {
    const s = await call('/v1/auth/signup', undefined, { email: `${name}@bench.local`, password: 'correct horse battery staple', name, tenant_name: name });
    const k = await call('/v1/api-keys', s.access_token, { name: 'bench', scopes: ['customers:read'] });
    return { tenantId: s.tenant_id, key: k.secret };
  };
  const small = await tenant('small');
  const big = await tenant('big');
  const seedClient = new pg.Client({ connectionString: dbUrl });
  await seedClient.connect();
  const seeded = performance.now();
  await seed(seedClient, small.tenantId, 1000, '1');
  await seed(seedClient, big.tenantId, BIG, '2');
  await seedClient.query('analyze customers');
  await seedClient.end();
  results.seed = { small: 1000, big: BIG, seconds: Math.round((performance.now() - seeded) / 100) / 10 };

  const floor = await start(FLOOR, { FLOOR_DATABASE_URL: appUrl(dbUrl, SECRET), PLINTH_SECRET: SECRET, PORT: '39125' }, /floor listening/);
  const path = '/v1/customers?limit=20';

  const plinthSmall = await load(`${base}${path}`, small.key, plinth.child.pid);
  const floorSmall = await load(`http://127.0.0.1:39125${path}`, small.key);
  const plinthBig = await load(`${base}${path}`, big.key, plinth.child.pid);
  results.plinth_1k = plinthSmall;
  results.floor_1k = floorSmall;
  results.plinth_1m = plinthBig;
  results.ratio_plinth_to_floor_rps = +(plinthSmall.requests_per_second / floorSmall.requests_per_second).toFixed(2);
  results.ratio_1m_to_1k_p50 = +(plinthBig.latency_ms.p50 / plinthSmall.latency_ms.p50).toFixed(2);
  results.ratio_1m_to_1k_p99 = +(plinthBig.latency_ms.p99 / plinthSmall.latency_ms.p99).toFixed(2);
  results.targets = {
    'ratio a/b >= 0.6': (results.ratio_plinth_to_floor_rps as number) >= 0.6,
    'p99 (a) <= 15 ms at 32 connections': plinthSmall.latency_ms.p99 <= 15,
    '1M/1k latency ratio <= 1.3': (results.ratio_1m_to_1k_p50 as number) <= 1.3,
    'cold start <= 3 s': (results.cold_start_ms as number) <= 3000,
    'RSS <= 200 MB': Math.max(plinthSmall.peak_rss_mb ?? 0, plinthBig.peak_rss_mb ?? 0) <= 200,
  };

  await stop(floor.child);
  await stop(plinth.child);
  await embedded.stop();
  rmSync(work, { recursive: true, force: true });

  const dir = join(__dirname, '..', '..', 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `list-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
  process.stdout.write(JSON.stringify(results, null, 2) + `\nwritten to ${file}\n`);
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
