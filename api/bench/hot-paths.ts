/**
 * Hot-path benchmark (issue 20): list (1k and 1M customers in the tenant), retrieve, create (one tenant,
 * and eight in turn) and the email-filtered list (1k and 1M), each against Plinth started as `npm start`
 * starts it and against the true floor (bench/true-floor.ts: node:http + pg, the key in a map, one
 * prepared statement per request, the same JSON), interleaved in rounds on the same database; the old
 * floor (bench/floor-server.ts) is a second reference for list_1k. Reports medians over rounds, ratios
 * to the floor, round trips and commits per request (through counting proxies, in a separate phase in
 * which Plinth's API and worker run as two processes, so a request's own round trips are told apart
 * from the worker's), how long the worker takes to seal a create load's audit entries after it, Plinth's
 * peak RSS under load and its cold start.
 *
 *   npm run bench:hot -w api                  (embedded PostgreSQL in a temporary folder)
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:hot -w api
 *
 * Settings: BENCH_ROUNDS (3), BENCH_SECONDS (10), BENCH_WARMUP_SECONDS (2), BENCH_CONNECTIONS (32),
 * BENCH_BIG (1,000,000), BENCH_COLD_RUNS (3), BENCH_RT_REQUESTS (200), BENCH_STATS_SETTLE_MS (11,000),
 * BENCH_NODE_FLAGS (default: those of api/package.json's start script), PLINTH_HEAP_MB. Below 11 s, the
 * settling wait is shorter than PostgreSQL's delay in reporting an idle backend's commits, and the
 * commit counts mean nothing. A run in which any request failed exits 1, after writing its results.
 * Writes api/bench/results/hot-paths-<timestamp>.json.
 */
import 'reflect-metadata';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { appUrl } from '../src/core/db/database.js';
import { coldStarts } from './support/cold-start.js';
import { analyze, openBenchDatabase, seedCustomers, seededId, waitForCatchUp, type BenchDatabase } from './support/database.js';
import { loadRun, type LoadSettings } from './support/load.js';
import { PLINTH_MAIN, STACK_FLOOR, startFlags, startProcess, startServer, stop, TRUE_FLOOR, withPeakRss, type Server } from './support/processes.js';
import { RoundTripProxy } from './support/proxy.js';
import { compare, crossRatios, table, targets, type CatchUps, type Runs, type ServerName } from './support/report.js';
import { countRoundTrips } from './support/round-trips.js';
import { checkSameAnswers } from './support/same-answers.js';
import { hotPaths, SCENARIOS, type BenchTenants, type Scenario } from './support/scenarios.js';
import { newTenant } from './support/tenants.js';

const SECRET = 'bench-secret-0123456789abcdefghijklmnopqrstuvwxyz';
const ROOT_KEY = 'sk_live_benchrootkey000000000000000000000';
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const ROUNDS = env('BENCH_ROUNDS', 3);
const BIG = env('BENCH_BIG', 1_000_000);
const SMALL = 1000;
/** The seeded customer that retrieve and the email filter look for. */
const EXISTING = 500;
const LOAD: LoadSettings = { connections: env('BENCH_CONNECTIONS', 32), warmupSeconds: env('BENCH_WARMUP_SECONDS', 2), seconds: env('BENCH_SECONDS', 10) };
const ROUND_TRIPS = { warmup: 50, requests: env('BENCH_RT_REQUESTS', 200), settleMs: env('BENCH_STATS_SETTLE_MS', 11_000) };
const FLAGS = startFlags();

/** Plinth's environment: rate limiting on, with budgets no run can exhaust. */
const plinthEnv = (databaseUrl: string, work: string): Record<string, string> => ({
  DATABASE_URL: databaseUrl,
  PLINTH_SECRET: SECRET,
  PLINTH_ROOT_KEY: ROOT_KEY,
  PLINTH_DATA_DIR: work,
  API_KEY_RATE_LIMIT: '100000000',
  TENANT_RATE_LIMIT: '100000000',
});

/** The floor knows every bench key, as Plinth does after its first look-up. */
const floorKeys = (t: BenchTenants) => JSON.stringify(Object.fromEntries([t.small, t.big, ...t.writers].map((x) => [x.key, x.tenantId])));

/** Starts the servers (into `servers`, for the caller to stop whatever happens), makes the tenants and seeds them. */
async function prepare(db: BenchDatabase, work: string, servers: Partial<Record<ServerName, Server>>) {
  const plinth = (servers.plinth = await startServer(PLINTH_MAIN, { flags: FLAGS, env: plinthEnv(db.url, work), logFile: join(work, 'plinth.log') }));
  const tenants: BenchTenants = {
    small: await newTenant(plinth.base, 'small'),
    big: await newTenant(plinth.base, 'big'),
    writers: await Promise.all(Array.from({ length: 8 }, (_, i) => newTenant(plinth.base, `writer${i}`))),
  };
  const started = performance.now();
  await seedCustomers(db.url, tenants.small.tenantId, SMALL, '1');
  await seedCustomers(db.url, tenants.big.tenantId, BIG, '2');
  await analyze(db.url);
  const seed = { small: SMALL, big: BIG, seconds: Math.round((performance.now() - started) / 100) / 10 };
  servers.floor = await startServer(TRUE_FLOOR, {
    flags: FLAGS,
    env: { FLOOR_DATABASE_URL: db.url, FLOOR_KEYS: floorKeys(tenants) },
    logFile: join(work, 'true-floor.log'),
  });
  servers.floor_stack = await startServer(STACK_FLOOR, {
    flags: FLAGS,
    env: { FLOOR_DATABASE_URL: appUrl(db.url, SECRET), PLINTH_SECRET: SECRET },
    logFile: join(work, 'floor-stack.log'),
    ready: () => true, // it answers only its one route: any answer means it listens
  });
  return { servers: servers as Record<ServerName, Server>, tenants, seed };
}

/** Every scenario on every server, interleaved: round by round, scenario by scenario, servers in turn. */
async function loadPhase(db: BenchDatabase, servers: Record<ServerName, Server>, scenarios: Scenario[]) {
  const runs = Object.fromEntries(SCENARIOS.map((name) => [name, {}])) as Runs;
  const catchUps: CatchUps = {};
  const failures: string[] = [];
  let peakRssMb = 0;
  for (let round = 0; round < ROUNDS; round++) {
    for (const s of scenarios) {
      const names: ServerName[] = s.name === 'list_1k' ? ['plinth', 'floor', 'floor_stack'] : ['plinth', 'floor'];
      // Alternate who goes first, so neither always runs on the other's leftovers (caches, autovacuum).
      if (round % 2) names.reverse();
      for (const name of names) {
        const server = servers[name];
        const label = `${s.name} on ${name} (round ${round + 1}/${ROUNDS})`;
        process.stderr.write(`${label}\n`);
        const { result, peakRssMb: peak } = await withPeakRss(name === 'plinth' ? server.pid : undefined, () => loadRun(label, server.base, s, LOAD));
        const loadEnded = performance.now();
        (runs[s.name][name] ??= []).push(result);
        // Every request must succeed: a failure is reported loudly, the bench goes on so the other figures are kept.
        if (result.failure) {
          process.stderr.write(`FAILED ${result.failure}\n`);
          failures.push(result.failure);
        }
        peakRssMb = Math.max(peakRssMb, peak);
        // Plinth's worker seals each create's audit entry and relays its events after commit: time how long
        // it takes to catch up, and let it finish before the next run.
        if (s.body && name === 'plinth') (catchUps[s.name] ??= []).push(await waitForCatchUp(db.url, loadEnded));
      }
    }
  }
  return { runs, peakRssMb, catchUps, failures };
}

/**
 * Round trips and commits per request, each server alone on the database. Plinth runs as two processes,
 * an API (PLINTH_PROCESS=api) behind one counting proxy and a worker (PLINTH_PROCESS=worker) behind
 * another, so a request's own round trips are told apart from the background work it causes.
 */
async function roundTripPhase(db: BenchDatabase, tenants: BenchTenants, scenarios: Scenario[], work: string) {
  process.stderr.write('round trips: plinth (api and worker processes)\n');
  const plinth = await withProxies(db, 2, async ([api, worker]) => {
    // DATABASE_APP_URL keeps the app role's password the one derived from the real server's address:
    // a start that migrates would reset it cluster-wide to one derived from the proxy's port.
    const envFor = (proxy: RoundTripProxy, role: 'api' | 'worker') => ({
      ...plinthEnv(proxy.route(db.url), work),
      DATABASE_APP_URL: proxy.route(appUrl(db.url, SECRET)),
      PLINTH_PROCESS: role,
    });
    const server = await startServer(PLINTH_MAIN, { flags: FLAGS, env: envFor(api, 'api'), logFile: join(work, 'plinth-api-round-trips.log') });
    try {
      // A worker-only Plinth serves no HTTP: main.ts prints this line once the worker has started.
      const background = await startProcess(PLINTH_MAIN, {
        flags: FLAGS,
        env: envFor(worker, 'worker'),
        logFile: join(work, 'plinth-worker-round-trips.log'),
        readyLine: 'Plinth worker is running',
      });
      try {
        return await countRoundTrips(server.base, { request: api, worker }, db, scenarios, ROUND_TRIPS);
      } finally {
        await stop(background.child);
      }
    } finally {
      await stop(server.child);
    }
  });
  process.stderr.write('round trips: floor\n');
  const floor = await withProxies(db, 1, async ([proxy]) => {
    const env = { FLOOR_DATABASE_URL: proxy.route(db.url), FLOOR_KEYS: floorKeys(tenants) };
    const server = await startServer(TRUE_FLOOR, { flags: FLAGS, env, logFile: join(work, 'floor-round-trips.log') });
    try {
      return await countRoundTrips(server.base, { request: proxy }, db, scenarios, ROUND_TRIPS);
    } finally {
      await stop(server.child);
    }
  });
  return { plinth, floor };
}

/** Runs `use` with `count` counting proxies in front of the database, closing them after. */
async function withProxies<T>(db: BenchDatabase, count: number, use: (proxies: RoundTripProxy[]) => Promise<T>): Promise<T> {
  const proxies: RoundTripProxy[] = [];
  try {
    while (proxies.length < count) proxies.push(await RoundTripProxy.start(db.url));
    return await use(proxies);
  } finally {
    for (const proxy of proxies) await proxy.close();
  }
}

async function measureAll(work: string) {
  const coldRuns = await coldStarts(work, FLAGS, SECRET, env('BENCH_COLD_RUNS', 3));
  const db = await openBenchDatabase(work, pino({ level: 'warn' }));
  const servers: Partial<Record<ServerName, Server>> = {};
  const stopAll = async () => {
    for (const server of Object.values(servers)) if (server) await stop(server.child);
  };
  try {
    const prepared = await prepare(db, work, servers);
    const scenarios = hotPaths(prepared.tenants, EXISTING, seededId('1', EXISTING));
    await checkSameAnswers(prepared.servers.plinth.base, prepared.servers.floor.base, scenarios);
    const load = await loadPhase(db, prepared.servers, scenarios);
    await stopAll();
    const roundTrips = await roundTripPhase(db, prepared.tenants, scenarios, work);
    return { database: db.description, coldRuns, seed: prepared.seed, ...load, roundTrips };
  } finally {
    await stopAll();
    await db.close();
  }
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'plinth-bench-hot-'));
  chmodSync(work, 0o755); // the embedded PostgreSQL runs as its own user, which must traverse this folder
  const m = await measureAll(work).catch((err: unknown) => {
    process.stderr.write(`the servers' logs are in ${work}\n`);
    throw err;
  });
  rmSync(work, { recursive: true, force: true });
  const scenarios = compare(m.runs, m.roundTrips, m.catchUps);
  const coldStartMs = m.coldRuns.length ? m.coldRuns[Math.floor((m.coldRuns.length - 1) / 2)] : undefined;
  const results = {
    machine: { cores: cpus().length, cpu: cpus()[0]?.model, node: process.version },
    database: m.database,
    node_flags: FLAGS,
    settings: { rounds: ROUNDS, ...LOAD, round_trips: ROUND_TRIPS },
    cold_start_ms: coldStartMs,
    cold_start_runs_ms: m.coldRuns,
    seed: m.seed,
    peak_rss_mb: m.peakRssMb,
    ...crossRatios(scenarios),
    notes: {
      round_trips:
        `simple queries and Syncs (each one round trip waited for) counted by proxies in front of PostgreSQL during ` +
        `${ROUND_TRIPS.requests} sequential requests, after ${ROUND_TRIPS.warmup} of warm-up, on a second start of each server. Plinth ` +
        `runs there as two processes, each behind its own proxy: request_round_trips_per_request counts the API process (PLINTH_PROCESS=api) ` +
        `while the requests ran, worker_round_trips_per_request the worker process (PLINTH_PROCESS=worker: audit sealing, outbox relay, ` +
        `jobs) over the requests and the ${ROUND_TRIPS.settleMs} ms settling wait after them; both less that process's idle rate over the ` +
        `same time (round_trips_per_request_gross: before that). The floor has no worker.`,
      commits:
        `commits_per_request: pg_stat_database.xact_commit delta for the whole database (both processes) over the requests and a ` +
        `${ROUND_TRIPS.settleMs} ms wait for backends to report, per request; _net subtracts the idle rate of commits over the same time.`,
      catch_up:
        `audit_sealing_catch_up_ms (creates, one per round): from the end of a load on Plinth (one process, as npm start runs it) until no ` +
        `audit entry is pending (seq is null); relay_catch_up_ms: until, in addition, no event is unrelayed.`,
    },
    round_trips_idle_per_second: { plinth: m.roundTrips.plinth.idle_per_second, floor: m.roundTrips.floor.idle_per_second },
    scenarios,
    failures: m.failures,
    targets: { 'every request answered 2xx': m.failures.length === 0, ...targets(scenarios, m.peakRssMb, coldStartMs) },
  };
  const dir = join(__dirname, '..', '..', 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `hot-paths-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n\n${table(scenarios)}\nwritten to ${file}\n`);
  if (m.failures.length) throw new Error(`requests failed, so the figures above include error paths:\n${m.failures.join('\n')}`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
