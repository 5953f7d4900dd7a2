import { execFile, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { wipe } from '../src/cli/reset';
import { createTestApp, listening, newTenant, rootAuth, testDatabaseUrl, type TestApp } from './harness';

/**
 * `npm run seed` (a demo tenant with sample data, through the SDK, safe to run twice) and
 * `npm run reset` (every tenant's data wiped; the platform tenant and its root key kept), on a
 * database of this file's own: a reset empties the whole database.
 */
const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');

let t: TestApp;
let server: Awaited<ReturnType<typeof listening>> | undefined;
let base: string;
beforeAll(async () => {
  execFileSync(process.execPath, [join(ROOT, 'sdks', 'typescript', 'build.mjs')], { cwd: join(ROOT, 'sdks', 'typescript'), stdio: 'pipe' });
  t = await createTestApp({ ownDatabase: 'dev_scripts' });
  server = await listening(t);
  base = server.base;
}, 120_000);
afterAll(async () => {
  await server?.close();
  await t.close();
});

const seed = () => run(process.execPath, [join(ROOT, 'scripts', 'seed.mjs')], { env: { PATH: process.env.PATH ?? '', PLINTH_URL: base }, timeout: 60_000 });

it('seed: a demo tenant, a key with every permission and 20 customers; a second run adds none', async () => {
  const first = await seed();
  const key = /export PLINTH_API_KEY=(sk_live_\w+)/.exec(first.stdout)?.[1];
  expect(first.stdout).toMatch(/Created the demo tenant ten_\w+ .*: 20 customer\(s\) added \(20 in all\)/);
  const customers = await t.http.get('/v1/customers?limit=100').set('Authorization', `Bearer ${key}`);
  expect(customers.body.data).toHaveLength(20);
  expect(customers.body.data[0].metadata).toEqual({ seeded: 'true' });

  const second = await seed();
  expect(second.stdout).toMatch(/Found the demo tenant .*: 0 customer\(s\) added \(20 in all\)/);
}, 60_000);

it('seed: a clear line when nothing answers', async () => {
  const failed = await run(process.execPath, [join(ROOT, 'scripts', 'seed.mjs')], {
    env: { PATH: process.env.PATH ?? '', PLINTH_URL: 'http://127.0.0.1:9' },
    timeout: 60_000,
  }).catch((err: { code: number; stderr: string }) => err);
  expect(failed).toMatchObject({ code: 1, stderr: expect.stringMatching(/nothing answers on http:\/\/127\.0\.0\.1:9\. Start Plinth first/) });
}, 60_000);

it('reset: wipes every tenant and its data, keeps the platform tenant and the root key', async () => {
  const a = await newTenant(t);
  await t.http.post('/v1/customers').set(a.auth).send({ name: 'Gone soon' });
  const owner = new pg.Client({ connectionString: testDatabaseUrl('dev_scripts') });
  await owner.connect();
  const wiped = await wipe(owner).finally(() => owner.end());
  expect(wiped.find((w) => w.table === 'customers')?.rows).toBeGreaterThan(0);
  expect(wiped.find((w) => w.table === 'tenants')?.rows).toBeGreaterThan(0);

  const tenants = await t.http.get('/v1/tenants').set(rootAuth); // the root key still works
  expect(tenants.status).toBe(200);
  expect(tenants.body.data).toEqual([]);
  t.runtime.deps.credentials.clear(); // a reset is run with Plinth stopped: its caches start empty
  expect((await t.http.get('/v1/customers').set(a.auth)).status).toBe(401);
});
