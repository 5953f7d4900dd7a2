import type { CatchUp } from './database.js';
import { summarize, type RunFigures, type Summary } from './load.js';
import type { RoundTripFigures, RoundTrips } from './round-trips.js';
import { SCENARIOS, type ScenarioName } from './scenarios.js';

export type ServerName = 'plinth' | 'floor' | 'floor_stack';
export type Runs = Record<ScenarioName, Partial<Record<ServerName, RunFigures[]>>>;

export interface ScenarioReport {
  plinth: Summary;
  floor: Summary;
  /** The old floor (bench/floor-server.ts: same key look-up and transaction as Plinth), list_1k only. */
  floor_stack?: Summary;
  /** Plinth's throughput over the floor's, and Plinth's p99 over the floor's (medians over rounds). */
  ratio_rps: number;
  ratio_p99: number;
  ratio_rps_to_floor_stack?: number;
  round_trips?: { plinth?: RoundTripFigures; floor?: RoundTripFigures };
  /** Creates: after each round's load on Plinth, how long its worker took to seal every pending audit entry. */
  audit_sealing_catch_up_ms?: number[];
  /** The same, until every event was relayed too (the sealing's own events included). */
  relay_catch_up_ms?: number[];
}

export type Scenarios = Record<ScenarioName, ScenarioReport>;

const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;

export type CatchUps = Partial<Record<ScenarioName, CatchUp[]>>;

export function compare(runs: Runs, rt: { plinth?: RoundTrips; floor?: RoundTrips }, catchUps: CatchUps): Scenarios {
  const out = {} as Scenarios;
  for (const name of SCENARIOS) {
    const plinth = summarize(runs[name].plinth!);
    const floor = summarize(runs[name].floor!);
    const stack = runs[name].floor_stack ? summarize(runs[name].floor_stack) : undefined;
    const caught = catchUps[name];
    out[name] = {
      plinth,
      floor,
      ...(stack ? { floor_stack: stack } : {}),
      ratio_rps: ratio(plinth.requests_per_second, floor.requests_per_second),
      ratio_p99: ratio(plinth.latency_ms.p99, floor.latency_ms.p99),
      ...(stack ? { ratio_rps_to_floor_stack: ratio(plinth.requests_per_second, stack.requests_per_second) } : {}),
      ...(rt.plinth || rt.floor ? { round_trips: { plinth: rt.plinth?.scenarios[name], floor: rt.floor?.scenarios[name] } } : {}),
      ...(caught?.length ? { audit_sealing_catch_up_ms: caught.map((c) => c.audit_sealing_ms), relay_catch_up_ms: caught.map((c) => c.relay_ms) } : {}),
    };
  }
  return out;
}

export function crossRatios(s: Scenarios) {
  return {
    /** Plinth's single-tenant create throughput over its 8-tenant create throughput. */
    create_1_to_create_8_rps: ratio(s.create_1.plinth.requests_per_second, s.create_8.plinth.requests_per_second),
    /** Plinth's email filter at 1M customers against the same filter at 1k. */
    email_1m_to_1k: {
      p50: ratio(s.email_1m.plinth.latency_ms.p50, s.email_1k.plinth.latency_ms.p50),
      rps: ratio(s.email_1m.plinth.requests_per_second, s.email_1k.plinth.requests_per_second),
    },
  };
}

export function targets(s: Scenarios, peakRssMb: number, coldStartMs: number | undefined): Record<string, boolean> {
  const both = (a: ScenarioName, b: ScenarioName, ok: (r: ScenarioReport) => boolean) => ok(s[a]) && ok(s[b]);
  const cross = crossRatios(s);
  return {
    'list: throughput >= 0.6 x floor (1k and 1M)': both('list_1k', 'list_1m', (r) => r.ratio_rps >= 0.6),
    'list: p99 <= 1.5 x floor p99 (1k and 1M)': both('list_1k', 'list_1m', (r) => r.ratio_p99 <= 1.5),
    'retrieve: throughput >= 0.5 x floor': s.retrieve.ratio_rps >= 0.5,
    'retrieve: p99 <= 2 x floor p99': s.retrieve.ratio_p99 <= 2,
    'create: throughput >= 0.3 x floor (1 and 8 tenants)': both('create_1', 'create_8', (r) => r.ratio_rps >= 0.3),
    'create: p99 <= 3 x floor p99 (1 and 8 tenants)': both('create_1', 'create_8', (r) => r.ratio_p99 <= 3),
    'create: 1-tenant throughput >= 0.8 x 8-tenant': cross.create_1_to_create_8_rps >= 0.8,
    'email filter: 1M p50 <= 1.3 x 1k p50': cross.email_1m_to_1k.p50 <= 1.3,
    'email filter: 1M throughput >= 1k throughput / 1.3': cross.email_1m_to_1k.rps >= 1 / 1.3,
    'RSS <= 200 MB under load': peakRssMb <= 200,
    'cold start <= 3 s': coldStartMs !== undefined && coldStartMs <= 3000,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

/** The compact table printed after the JSON. */
export function table(s: Scenarios): string {
  const head = ['scenario', 'plinth rps', 'floor rps', 'ratio', 'p99 ms P/F', 'p99 ratio', 'request rt P/F', 'worker rt P', 'commits P/F', 'sealed in ms P'];
  const rt = (f: RoundTripFigures | undefined, pick: (f: RoundTripFigures) => number | undefined) => String((f ? pick(f) : undefined) ?? '-');
  const rows = SCENARIOS.map((name) => {
    const r = s[name];
    const p = r.round_trips?.plinth;
    const f = r.round_trips?.floor;
    return [
      name,
      String(r.plinth.requests_per_second),
      String(r.floor.requests_per_second),
      r.ratio_rps.toFixed(2),
      `${r.plinth.latency_ms.p99}/${r.floor.latency_ms.p99}`,
      r.ratio_p99.toFixed(2),
      `${rt(p, (x) => x.request_round_trips_per_request)}/${rt(f, (x) => x.request_round_trips_per_request)}`,
      rt(p, (x) => x.worker_round_trips_per_request),
      `${rt(p, (x) => x.commits_per_request_net)}/${rt(f, (x) => x.commits_per_request_net)}`,
      r.audit_sealing_catch_up_ms ? String(median(r.audit_sealing_catch_up_ms)) : '-',
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const stack = s.list_1k.floor_stack;
  const notes = [
    'round trips and commits are per request, net of idle; request rt: the API process (or the floor), worker rt: the worker process;',
    'commits: the whole database; sealed in ms: from the end of a create load until no audit entry is pending (median over rounds).',
    ...(stack ? [`floor_stack (old floor: key look-up + RLS transaction) list_1k: ${stack.requests_per_second} rps, p99 ${stack.latency_ms.p99} ms`] : []),
  ];
  return [line(head), ...rows.map(line), '', ...notes].join('\n') + '\n';
}
