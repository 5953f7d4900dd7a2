// npm run bench:ids -w api: the cost of an id or request id when it is the first of its millisecond
// (ulid then draws 16 random characters), with ulid's default PRNG and with Plinth's pooled one.
import { monotonicFactory } from 'ulid';
import { pooledRandom } from '../src/core/random.js';

const N = 200_000;
const variants = { ulid_default: monotonicFactory(), pooled: monotonicFactory(pooledRandom) };
const results: Record<string, number[]> = { ulid_default: [], pooled: [] };
for (let round = 0; round < 3; round++) {
  for (const [name, next] of Object.entries(variants)) {
    const base = 1_800_000_000_000 + round * 1e8 + (name === 'pooled' ? 5e7 : 0);
    const started = process.hrtime.bigint();
    for (let i = 0; i < N; i++) next(base + i);
    results[name]!.push(Number(process.hrtime.bigint() - started) / N);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const out = {
  ns_per_id_new_millisecond: { ulid_default: Math.round(median(results.ulid_default!)), pooled: Math.round(median(results.pooled!)) },
  speedup: Math.round((median(results.ulid_default!) / median(results.pooled!)) * 10) / 10,
};
console.log(JSON.stringify(out, null, 2));
