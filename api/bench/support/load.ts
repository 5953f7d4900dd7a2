import autocannon from 'autocannon';
import { cannonOptions, sendOnce, type Scenario } from './scenarios.js';

export interface LoadSettings {
  connections: number;
  warmupSeconds: number;
  seconds: number;
}

export interface RunFigures {
  requests_per_second: number;
  latency_ms: { p50: number; p99: number; max: number };
  non_2xx: number;
  errors: number;
  timeouts: number;
  /** Set when any request failed, with a sample answer: the figures then measure the error path too. */
  failure?: string;
}

function cannon(base: string, s: Scenario, connections: number, duration: number): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon({ url: base, connections, duration, ...cannonOptions(s) }, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

/**
 * One measured run: a warm-up (JIT, pools, prepared statements, caches), then the run itself. A run with
 * any non-2xx answer, socket error or timeout says so in `failure`, with a sample answer.
 */
export async function loadRun(label: string, base: string, s: Scenario, settings: LoadSettings): Promise<RunFigures> {
  await cannon(base, s, settings.connections, settings.warmupSeconds);
  const r = await cannon(base, s, settings.connections, settings.seconds);
  const figures: RunFigures = {
    requests_per_second: Math.round(r.requests.average),
    latency_ms: { p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max },
    non_2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
  };
  if (r.non2xx || r.errors || r.timeouts) {
    const sample = await sendOnce(base, s, 0).catch((err: unknown) => ({ status: 0, text: String(err) }));
    figures.failure = `${label}: ${r.non2xx} non-2xx answers, ${r.errors} errors, ${r.timeouts} timeouts; a sample: ${sample.status} ${sample.text.slice(0, 500)}`;
  }
  return figures;
}

export interface Summary extends Omit<RunFigures, 'failure'> {
  /** Each round's figures, in the order they ran. */
  rounds: RunFigures[];
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  return Number.isInteger(mid) ? (sorted[mid - 1] + sorted[mid]) / 2 : sorted[Math.floor(mid)];
}

/** The median over rounds of each figure, taken separately; failures are added up. */
export function summarize(rounds: RunFigures[]): Summary {
  const of = (pick: (r: RunFigures) => number, digits = 1) => Math.round(median(rounds.map(pick)) * 10 ** digits) / 10 ** digits;
  const sum = (pick: (r: RunFigures) => number) => rounds.reduce((n, r) => n + pick(r), 0);
  return {
    requests_per_second: of((r) => r.requests_per_second, 0),
    latency_ms: { p50: of((r) => r.latency_ms.p50), p99: of((r) => r.latency_ms.p99), max: of((r) => r.latency_ms.max) },
    non_2xx: sum((r) => r.non_2xx),
    errors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
    rounds,
  };
}
