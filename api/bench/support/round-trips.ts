import type { BenchDatabase } from './database.js';
import { sleep } from './processes.js';
import type { RoundTripProxy } from './proxy.js';
import { sendOnce, type Scenario, type ScenarioName } from './scenarios.js';

export interface RoundTripSettings {
  warmup: number;
  requests: number;
  /** How long to wait for backends to report their commits (PostgreSQL holds them up to 10 s when idle). */
  settleMs: number;
}

export interface RoundTripFigures {
  /**
   * Round trips ('Q' + Sync) through the request process's connections while the requests ran, per
   * request, less that process's idle rate over the same time: what a request itself costs.
   */
  request_round_trips_per_request: number;
  /**
   * Round trips through the worker process's connections (audit sealing, outbox relay, jobs) over the
   * requests and the settling wait after them, per request, less the worker's idle rate over the same
   * time: the background work the requests cause. Absent for a server without a worker.
   */
  worker_round_trips_per_request?: number;
  /** The same counts before the idle rates are subtracted. */
  round_trips_per_request_gross: { request: number; worker?: number };
  /** pg_stat_database.xact_commit delta (whole database: both processes) per request, over the requests and the settling wait after them. */
  commits_per_request: number;
  /** The same, less the idle rate of commits over the same time. */
  commits_per_request_net: number;
  /** New connections to PostgreSQL during the requests, by process (pools close idle connections during the waits). */
  connections_opened: { request: number; worker?: number };
  /** Latency of a single request on an idle server. */
  sequential_latency_ms: { p50: number; p99: number };
}

/** Where each of a server's processes connects: the request path's proxy, and its worker's when it runs apart. */
export interface Proxies {
  request: RoundTripProxy;
  worker?: RoundTripProxy;
}

export interface RoundTrips {
  /** Each process's own activity with no request, per second. */
  idle_per_second: { request_round_trips: number; worker_round_trips?: number; commits: number };
  scenarios: Partial<Record<ScenarioName, RoundTripFigures>>;
}

interface Reading {
  at: number;
  request: { roundTrips: number; connections: number };
  worker: { roundTrips: number; connections: number };
  commits: number;
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
const counts = (proxy: RoundTripProxy | undefined) => ({ roundTrips: proxy?.roundTrips ?? 0, connections: proxy?.connections ?? 0 });

async function expectOk(base: string, s: Scenario, n: number): Promise<void> {
  const res = await sendOnce(base, s, n);
  if (res.status < 200 || res.status >= 300) throw new Error(`${s.name} on ${base}: ${res.status} ${res.text.slice(0, 500)}`);
}

/**
 * Round trips and commits per request, for a server whose request path connects through
 * `proxies.request` and whose worker (if it runs as its own process) through `proxies.worker`: for each
 * scenario, `requests` sequential requests after a warm-up, with a settling wait between scenarios so
 * each one's commits are reported and its background work is done before the next starts. Each
 * process's idle activity (pollers, LISTEN connections) is measured over an idle period and subtracted:
 * the request process's over the requests, the worker's over the requests and the settling wait, during
 * which it finishes what they left it.
 */
export async function countRoundTrips(
  base: string,
  proxies: Proxies,
  db: BenchDatabase,
  scenarios: Scenario[],
  settings: RoundTripSettings,
): Promise<RoundTrips> {
  const read = async (): Promise<Reading> => ({
    at: performance.now(),
    request: counts(proxies.request),
    worker: counts(proxies.worker),
    commits: await db.commits(),
  });
  for (const s of scenarios) for (let n = 0; n < settings.warmup; n++) await expectOk(base, s, n);
  await sleep(settings.settleMs);
  const idleFrom = await read();
  await sleep(settings.settleMs);
  let before = await read();
  const rate = (pick: (r: Reading) => number) => (pick(before) - pick(idleFrom)) / ((before.at - idleFrom.at) / 1000);
  const idle = { request: rate((r) => r.request.roundTrips), worker: rate((r) => r.worker.roundTrips), commits: rate((r) => r.commits) };
  const figures: RoundTrips['scenarios'] = {};
  for (const s of scenarios) {
    const latencies: number[] = [];
    for (let n = 0; n < settings.requests; n++) {
      const started = performance.now();
      await expectOk(base, s, settings.warmup + n);
      latencies.push(performance.now() - started);
    }
    const done = { at: performance.now(), request: counts(proxies.request), worker: counts(proxies.worker) };
    await sleep(settings.settleMs);
    const settled = await read();
    const perRequest = (n: number) => round(n / settings.requests);
    const busySeconds = (done.at - before.at) / 1000;
    const settledSeconds = (settled.at - before.at) / 1000;
    const request = done.request.roundTrips - before.request.roundTrips;
    const worker = settled.worker.roundTrips - before.worker.roundTrips;
    latencies.sort((a, b) => a - b);
    figures[s.name] = {
      request_round_trips_per_request: perRequest(request - idle.request * busySeconds),
      ...(proxies.worker ? { worker_round_trips_per_request: perRequest(worker - idle.worker * settledSeconds) } : {}),
      round_trips_per_request_gross: { request: perRequest(request), ...(proxies.worker ? { worker: perRequest(worker) } : {}) },
      commits_per_request: perRequest(settled.commits - before.commits),
      commits_per_request_net: perRequest(settled.commits - before.commits - idle.commits * settledSeconds),
      connections_opened: {
        request: done.request.connections - before.request.connections,
        ...(proxies.worker ? { worker: settled.worker.connections - before.worker.connections } : {}),
      },
      sequential_latency_ms: { p50: round(percentile(latencies, 0.5)), p99: round(percentile(latencies, 0.99)) },
    };
    before = settled;
  }
  return {
    idle_per_second: {
      request_round_trips: round(idle.request),
      ...(proxies.worker ? { worker_round_trips: round(idle.worker) } : {}),
      commits: round(idle.commits),
    },
    scenarios: figures,
  };
}
