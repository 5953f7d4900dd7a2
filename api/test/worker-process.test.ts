import pg from 'pg';
import { Webhook } from 'svix';
import { createTestApp, newTenant, ROOT_KEY, TEST_SECRET, testDatabaseUrl, type TestApp } from './harness';
import { buildApi, kill, startPlinth, type PlinthProcess } from './support/processes';
import { Receiver, waitFor } from './support/receiver';

/**
 * The acceptance test for "nothing lost": the worker runs as its own process and is killed with
 * SIGKILL halfway through 500 deliveries. After a restart every event arrives at least once, every
 * request verifies with the svix library, and a duplicate always carries its event's webhook-id.
 */
const EVENTS = 500;

let t: TestApp;
let receiver: Receiver;
let worker: PlinthProcess | undefined;
const env = () => ({
  PLINTH_PROCESS: 'worker',
  DATABASE_URL: testDatabaseUrl('sigkill'),
  PLINTH_SECRET: TEST_SECRET,
  PLINTH_ROOT_KEY: ROOT_KEY,
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
  // A short timeout makes a killed worker's claimed jobs expire (and be retried) within seconds.
  WEBHOOK_TIMEOUT_MS: '2000',
});

beforeAll(async () => {
  buildApi();
  t = await createTestApp({ ownDatabase: 'sigkill' });
  receiver = await new Receiver().start();
}, 120_000);
afterAll(async () => {
  if (worker) await kill(worker, 'SIGKILL');
  await receiver.stop();
  await t.close();
});

it('delivers all 500 events at least once across a SIGKILL of the worker, each verified by svix', async () => {
  const a = await newTenant(t);
  const ep = (
    await t.http
      .post('/v1/webhook-endpoints')
      .set(a.auth)
      .send({ url: `${receiver.url}/sink`, event_types: ['customer.created'] })
  ).body;
  const verifier = new Webhook(ep.secret);
  receiver.delayMs = 40; // deliveries are in flight when the worker dies
  let badSignatures = 0;
  const slow = new Set<string>();
  receiver.respond = (r) => {
    try {
      verifier.verify(r.body, r.headers);
    } catch {
      badSignatures += 1;
    }
    slow.add(r.headers['webhook-id']!);
    return 200;
  };

  worker = await startPlinth(env(), /worker is running/);
  const ids: string[] = [];
  const create = async (i: number) => {
    const res = await t.http
      .post('/v1/customers')
      .set(a.auth)
      .send({ name: `Customer ${i}` });
    if (res.status !== 201) throw new Error(`create failed: ${res.status}`);
    ids.push(res.body.id);
  };
  // Create the events in waves while the worker delivers; kill it once a fifth have arrived.
  let killedAt = -1;
  for (let i = 0; i < EVENTS; i += 10) {
    await Promise.all(Array.from({ length: 10 }, (_, k) => create(i + k)));
    if (killedAt < 0 && slow.size >= EVENTS / 5) {
      await kill(worker, 'SIGKILL');
      killedAt = slow.size;
    }
  }
  if (killedAt < 0) {
    await waitFor(() => slow.size >= EVENTS / 5, 30_000, 'deliveries before the kill');
    await kill(worker, 'SIGKILL');
    killedAt = slow.size;
  }
  expect(killedAt).toBeLessThan(EVENTS);

  worker = await startPlinth(env(), /worker is running/);
  await waitFor(() => slow.size >= EVENTS, 60_000, 'every event after the restart');
  // Deliveries that were in flight when the worker died stay claimed until their job expires; then
  // they are sent again (same webhook-id) and recorded. Wait until every delivery has succeeded.
  const owner = new pg.Client({ connectionString: testDatabaseUrl('sigkill') });
  await owner.connect();
  const settled = await waitFor(
    async () => {
      const { rows } = await owner.query(`select status, count(*)::int as n from webhook_deliveries where endpoint_id = $1 group by status`, [ep.id]);
      const counts = Object.fromEntries(rows.map((r) => [r.status, r.n]));
      return counts.succeeded === EVENTS && !counts.pending && counts;
    },
    60_000,
    'every delivery to be recorded as succeeded',
  );
  await owner.end();
  expect(settled).toEqual({ succeeded: EVENTS });

  const hits = receiver.at('/sink');
  const byId = new Map<string, string[]>();
  for (const h of hits) byId.set(h.headers['webhook-id']!, [...(byId.get(h.headers['webhook-id']!) ?? []), h.body]);
  const delivered = new Set([...byId.values()].map((bodies) => JSON.parse(bodies[0]!).data.object.id as string));
  expect(ids.filter((id) => !delivered.has(id))).toEqual([]);
  expect(badSignatures).toBe(0);
  for (const [webhookId, bodies] of byId) {
    for (const body of bodies) expect(JSON.parse(body).id).toBe(webhookId);
  }
  const duplicates = hits.length - byId.size;
  console.log(`sigkill: killed after ${killedAt} of ${EVENTS} deliveries; ${hits.length} requests, ${byId.size} distinct events, ${duplicates} duplicates`);
}, 150_000);
