import type { Plinth } from '@plinth/sdk';
import type { Command } from 'commander';
import { connect } from '../client.js';
import type { ConnectionOptions } from '../config.js';
import { CliError, Output } from '../output.js';
import { action } from '../run.js';
import { MAX_SAMPLE_CUSTOMERS, sampleCustomer } from '../sample-data.js';

interface SeedOptions extends ConnectionOptions {
  customers: string;
  json?: boolean;
}

/** Calls in flight at once: quick, and well inside any rate limit. */
const CONCURRENCY = 4;

export function seedCommand(program: Command): void {
  program
    .command('seed')
    .description("Fill the key's tenant with sample customers")
    .option('--customers <n>', `how many sample customers (1 to ${MAX_SAMPLE_CUSTOMERS})`, '25')
    .option('--api-key <key>', 'secret API key with customers:read and customers:write (default: PLINTH_API_KEY, or the stored login)')
    .option('--base-url <url>', 'the Plinth server (default: PLINTH_BASE_URL, the last login, or http://localhost:3000)')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
The customers have realistic names, companies, fictional phone numbers and @example.com emails. The
same n gives the same customers: a customer whose email already exists is skipped, so seeding twice
adds nothing. No webhook endpoint is made (it would need a URL that receives).

Example:
  $ plinth seed --customers 50`,
    )
    .action(action(seed));
}

async function seed(options: SeedOptions): Promise<void> {
  const out = new Output(Boolean(options.json));
  const count = Number(options.customers);
  if (!Number.isInteger(count) || count < 1 || count > MAX_SAMPLE_CUSTOMERS) {
    throw new CliError(`--customers takes a whole number from 1 to ${MAX_SAMPLE_CUSTOMERS}.`);
  }
  const { plinth, connection } = connect(options);
  const created: string[] = [];
  const existing: string[] = [];
  await eachLimited(count, CONCURRENCY, async (i) => {
    const sample = sampleCustomer(i);
    const found = await findByEmail(plinth, sample.email);
    if (found) return void existing.push(found);
    const customer = await plinth.customers.create({ ...sample, metadata: { seeded_by: 'plinth-cli' } });
    created.push(customer.id);
    out.line(`  created customer ${customer.id}  ${sample.name} <${sample.email}>`);
  });
  out.data({ base_url: connection.baseUrl, customers: { created, existing: existing.length } });
  out.line(`Seeded ${connection.baseUrl}: ${created.length} customer(s) created, ${existing.length} already there.`);
}

async function findByEmail(plinth: Plinth, email: string): Promise<string | undefined> {
  const { data } = await plinth.customers.list({ email, limit: 1 });
  return data[0]?.id;
}

/** Runs `task(0..n-1)` with at most `limit` at a time; the first failure stops the rest. */
async function eachLimited(n: number, limit: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < n) {
      const i = next++;
      try {
        await task(i);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, n) }, worker));
}
