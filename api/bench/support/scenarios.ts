import type autocannon from 'autocannon';
import type { BenchTenant } from './tenants.js';

export const SCENARIOS = ['list_1k', 'list_1m', 'retrieve', 'create_1', 'create_8', 'email_1k', 'email_1m'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

/** One request shape, sent the same way to Plinth and to the floors. */
export interface Scenario {
  name: ScenarioName;
  method: 'GET' | 'POST';
  path: string;
  /** The API keys, used in turn: request n sends keys[n % keys.length]. */
  keys: string[];
  /** Request n's JSON body (creates): unique per request. */
  body?: (n: number) => string;
}

export interface BenchTenants {
  small: BenchTenant;
  big: BenchTenant;
  writers: BenchTenant[];
}

const customer = (n: number) => JSON.stringify({ name: `Bench ${n}`, email: `w${n}@example.com`, company: 'Bench Co', metadata: { run: 'bench' } });

/** The hot paths of issue 20; `existing` is the number of a seeded customer, `retrieveId` its id in the small tenant. */
export function hotPaths(tenants: BenchTenants, existing: number, retrieveId: string): Scenario[] {
  const { small, big, writers } = tenants;
  // Mixed case on purpose: the filter is case-insensitive and must still use the (tenant_id, email_lower) index.
  const email = `/v1/customers?limit=20&email=C${existing}@EXAMPLE.COM`;
  return [
    { name: 'list_1k', method: 'GET', path: '/v1/customers?limit=20', keys: [small.key] },
    { name: 'list_1m', method: 'GET', path: '/v1/customers?limit=20', keys: [big.key] },
    { name: 'retrieve', method: 'GET', path: `/v1/customers/${retrieveId}`, keys: [small.key] },
    // The writers' tenants take the creates, so the listed tenants keep their 1k and 1M customers.
    { name: 'create_1', method: 'POST', path: '/v1/customers', keys: [writers[0].key], body: customer },
    { name: 'create_8', method: 'POST', path: '/v1/customers', keys: writers.map((w) => w.key), body: customer },
    { name: 'email_1k', method: 'GET', path: email, keys: [small.key] },
    { name: 'email_1m', method: 'GET', path: email, keys: [big.key] },
  ];
}

function headers(s: Scenario, n: number): Record<string, string> {
  return { authorization: `Bearer ${s.keys[n % s.keys.length]}`, ...(s.body ? { 'content-type': 'application/json' } : {}) };
}

/**
 * autocannon options for a scenario. A fixed request is built once; only rotating keys and bodies need
 * setupRequest, which rebuilds the request every time (CPU the load generator shares with the servers).
 */
export function cannonOptions(s: Scenario): Pick<autocannon.Options, 'method' | 'headers' | 'requests'> {
  if (!s.body && s.keys.length === 1) return { method: s.method, headers: headers(s, 0), requests: [{ method: s.method, path: s.path }] };
  let n = 0;
  return {
    requests: [
      {
        method: s.method,
        path: s.path,
        setupRequest: (req) => {
          const i = n++;
          return { ...req, headers: headers(s, i), body: s.body?.(i) };
        },
      },
    ],
  };
}

/** Sends request `n` of the scenario once, for checks and the round-trip count. */
export async function sendOnce(base: string, s: Scenario, n: number): Promise<{ status: number; text: string }> {
  const res = await fetch(`${base}${s.path}`, { method: s.method, headers: headers(s, n), body: s.body?.(n) });
  return { status: res.status, text: await res.text() };
}
