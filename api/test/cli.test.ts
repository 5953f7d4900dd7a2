import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'svix';
import { createTestApp, listening, newTenant, type TestApp, type TestTenant } from './harness';
import { freePort, withLock } from './support/processes';
import { Receiver, waitFor } from './support/receiver';

/**
 * The plinth CLI (sdks/cli), built and run as a child process against a live server: login, listen
 * (its forwarded webhooks verified with svix), trigger, seed and logs.
 */
const ROOT = join(__dirname, '..', '..');
const SDK_DIR = join(ROOT, 'sdks', 'typescript');
const CLI_DIR = join(ROOT, 'sdks', 'cli');

let t: TestApp;
let server: Awaited<ReturnType<typeof listening>> | undefined;
let base: string;
let bin: string;
/** Temporary directories (the installed CLI, config files), removed after the run. */
const temporary: string[] = [];
beforeAll(async () => {
  bin = installCli();
  t = await createTestApp({ worker: true, ownDatabase: 'cli' });
  server = await listening(t);
  base = server.base;
}, 180_000);
afterAll(async () => {
  await server?.close();
  await t?.close();
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

describe('plinth --help and --version', () => {
  it('describes every command, and logs says what it shows', async () => {
    const version = await plinth(['--version']);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(CLI_DIR, 'package.json'), 'utf8')).version);
    for (const command of ['login', 'listen', 'trigger', 'seed', 'logs']) {
      const help = await plinth([command, '--help']);
      expect({ command, code: help.code }).toEqual({ command, code: 0 });
      expect(help.stdout).toMatch(new RegExp(`^Usage: plinth ${command}`));
      if (command !== 'login') expect(help.stdout).toMatch(/--api-key <key>[\s\S]*--base-url <url>/);
    }
    expect((await plinth(['logs', '--help'])).stdout).toMatch(/no API request log yet/);
  });
});

describe('plinth login', () => {
  it('checks the key, stores it readable by its owner only, and the other commands use it', async () => {
    const a = await newTenant(t);
    const config = tempConfig();
    const login = await plinth(['login', '--api-key', a.apiKey, '--base-url', base], { config });
    expect(login).toMatchObject({ code: 0, stderr: '' });
    expect(login.stdout).toContain(`Logged in to ${base} with sk_live_...${a.apiKey.slice(-4)}`);
    expect(statSync(config).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(readFileSync(config, 'utf8'));
    expect(stored).toMatchObject({ default_base_url: base, profiles: { [base]: { api_key: a.apiKey } } });

    // Neither --api-key nor --base-url: both come from the login.
    const triggered = await plinth(['trigger', 'customer.created', '--json'], { config });
    expect(triggered.code).toBe(0);
    const { event } = lastJson(triggered.stdout);
    const res = await t.http.get(`/v1/events/${event.id}`).set(a.auth);
    expect({ status: res.status, type: res.body.type }).toEqual({ status: 200, type: 'customer.created' });
  });

  it('reads the key from stdin when it is not given', async () => {
    const a = await newTenant(t);
    const config = tempConfig();
    const login = await plinth(['login', '--base-url', `${base}/`], { config, input: `${a.apiKey}\n` });
    expect(login.code).toBe(0);
    expect(JSON.parse(readFileSync(config, 'utf8')).profiles[base].api_key).toBe(a.apiKey);
  });

  it('refuses a bad key with one clear line and exit code 1, and stores nothing', async () => {
    const config = tempConfig();
    const login = await plinth(['login', '--api-key', 'sk_live_wrong', '--base-url', base], { config });
    expect(login.code).toBe(1);
    expect(login.stderr).toMatch(/^Error: .*The API key is invalid\. \[invalid_api_key, request req_\w+\]\n$/);
    expect(existsSync(config)).toBe(false);

    for (const args of [['seed'], ['logs'], ['trigger', 'customer.created']]) {
      const run = await plinth([...args, '--api-key', 'sk_live_wrong', '--base-url', base], { config });
      expect({ args, code: run.code, lines: run.stderr.trim().split('\n').length }).toEqual({ args, code: 1, lines: 1 });
      expect(run.stderr).toMatch(/invalid_api_key/);
      expect(run.stderr).not.toMatch(/\bat .*\.js:\d+/);
    }
    const json = await plinth(['seed', '--api-key', 'sk_live_wrong', '--base-url', base, '--json'], { config });
    expect(JSON.parse(json.stderr)).toMatchObject({ error: { kind: 'authentication', status: 401, code: 'invalid_api_key' } });

    const noKey = await plinth(['logs', '--base-url', base], { config });
    expect(noKey).toMatchObject({ code: 1, stderr: `Error: No API key for ${base}: run plinth login, pass --api-key, or set PLINTH_API_KEY.\n` });
  });

  it('says so in one line when the server cannot be reached', async () => {
    const nobody = `http://127.0.0.1:${await freePort()}`;
    const run = await plinth(['seed', '--api-key', 'sk_live_whatever', '--base-url', nobody]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`^Error: Could not reach Plinth at ${nobody}: .* \\[connection_error\\]\\n$`));
  });
});

describe('plinth listen', () => {
  it('forwards new events that match --events, in order and once each, signed with the secret it printed', async () => {
    const a = await newTenant(t);
    const config = tempConfig();
    const receiver = await new Receiver().start();
    const before = await aCustomer(a, 'Before Listen');
    const listen = background(['listen', '--forward-to', `${receiver.url}/hooks`, '--events', 'customer.*', ...as(a)], config);
    try {
      const [, secret] = await waitFor(() => /Ready! Your webhook signing secret is (whsec_\S+)/.exec(listen.stdout()) ?? undefined, 15_000, 'ready');
      await t.http
        .post('/v1/roles')
        .set(a.auth)
        .send({ key: 'ignored', name: 'Not forwarded', permissions: ['customers:read'] });
      const first = await aCustomer(a, 'Ada Lovelace');
      const second = await aCustomer(a, 'Grace Hopper');

      const hits = await waitFor(() => receiver.at('/hooks').length >= 2 && receiver.at('/hooks'), 15_000, 'two forwarded events');
      for (const hit of hits) expect(() => new Webhook(secret!).verify(hit.body, hit.headers)).not.toThrow();
      const events = hits.map((h) => JSON.parse(h.body));
      expect(events.map((e) => [e.type, e.data.object.id])).toEqual([
        ['customer.created', first],
        ['customer.created', second],
      ]);
      // The same body as the API's event (and as Plinth's own webhooks), the event id as webhook-id.
      for (const [i, event] of events.entries()) {
        expect(hits[i]!.headers['webhook-id']).toBe(event.id);
        expect(hits[i]!.headers['content-type']).toBe('application/json');
        expect((await t.http.get(`/v1/events/${event.id}`).set(a.auth)).body).toEqual(event);
        await waitFor(() => new RegExp(`customer\\.created +${event.id} {2}-> \\[200\\] in \\d+ ms`).test(listen.stdout()), 5_000, `a line for ${event.id}`);
      }
      await new Promise((r) => setTimeout(r, 2_500)); // a few more polls: nothing is sent twice
      expect(receiver.at('/hooks')).toHaveLength(2);
      expect(JSON.stringify(events)).not.toContain(before);
      expect(await listen.stop()).toEqual({ code: 0, stderr: '' });

      // The secret is kept in the config file: the next run prints the same one.
      const again = background(['listen', '--forward-to', `${receiver.url}/hooks`, ...as(a)], config);
      await waitFor(() => again.stdout().includes(`Ready! Your webhook signing secret is ${secret}`), 15_000, 'the same secret');
      expect(await again.stop()).toEqual({ code: 0, stderr: '' });
      expect(JSON.parse(readFileSync(config, 'utf8')).profiles[base].webhook_signing_secret).toBe(secret);
    } finally {
      await listen.stop();
      await receiver.stop();
    }
  }, 60_000);

  it('keeps going when the receiver is down, printing the error for each event', async () => {
    const a = await newTenant(t);
    const down = `http://127.0.0.1:${await freePort()}/hooks`;
    const listen = background(['listen', '--forward-to', down, '--events', 'customer.created', ...as(a)], tempConfig());
    try {
      await waitFor(() => listen.stdout().includes('Ready!'), 15_000, 'ready');
      await aCustomer(a, 'Nobody Home');
      await waitFor(() => /customer\.created\s+evt_\w+ {2}-> error: .*ECONNREFUSED/.test(listen.stdout()), 10_000, 'the error line');
      await aCustomer(a, 'Still Trying');
      await waitFor(() => (listen.stdout().match(/customer\.created\s+evt_\w+ {2}-> error: /g) ?? []).length === 2, 10_000, 'a second error line');
    } finally {
      expect(await listen.stop()).toEqual({ code: 0, stderr: '' });
    }
  }, 60_000);
});

describe('plinth trigger', () => {
  it('causes every event type it lists, through the API', async () => {
    const a = await newTenant(t);
    const help = (await plinth(['trigger', '--help'])).stdout;
    const types = [...help.matchAll(/^ {2}([a-z_]+(?:\.[a-z_]+)+) {2,}\S/gm)].map((m) => m[1]!);
    expect(types).toEqual(expect.arrayContaining(['customer.created', 'customer.updated', 'customer.deleted']));
    const triggerOne = async (type: string) => {
      const run = await plinth(['trigger', type, '--json', ...as(a)]);
      expect({ type, code: run.code, stderr: run.stderr }).toEqual({ type, code: 0, stderr: '' });
      const { event, steps } = lastJson(run.stdout);
      expect(steps.length).toBeGreaterThan(0);
      const res = await t.http.get(`/v1/events/${event.id}`).set(a.auth);
      expect({ type, status: res.status, emitted: res.body.type }).toEqual({ type, status: 200, emitted: type });
    };
    for (let i = 0; i < types.length; i += 4) await Promise.all(types.slice(i, i + 4).map(triggerOne));
    const human = await plinth(['trigger', 'customer.updated', ...as(a)]);
    expect(human.stdout).toMatch(/created customer cus_\w+\n {2}updated customer cus_\w+\nTrigger succeeded! customer\.updated evt_\w+\n$/);
  }, 120_000);

  it('refuses an unknown or untriggerable type, listing the supported ones', async () => {
    const a = await newTenant(t);
    const unknown = await plinth(['trigger', 'customer.exploded', ...as(a)]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(
      /^Error: 'customer\.exploded' is not a Plinth event type .*Supported: customer\.created, customer\.updated, customer\.deleted, /,
    );
    const member = await plinth(['trigger', 'member.created', ...as(a)]);
    expect(member.code).toBe(1);
    expect(member.stderr).toMatch(/^Error: 'member\.created' cannot be triggered .*Supported: customer\.created/);
  });
});

describe('plinth seed', () => {
  it('adds realistic customers, and nothing more when run again', async () => {
    const a = await newTenant(t);
    const first = await plinth(['seed', '--customers', '5', '--json', ...as(a)]);
    expect(first.code).toBe(0);
    expect(lastJson(first.stdout).customers).toEqual({ created: expect.any(Array), existing: 0 });
    expect(lastJson(first.stdout).customers.created).toHaveLength(5);
    const list = await t.http.get('/v1/customers?limit=100').set(a.auth);
    expect(list.body.data).toHaveLength(5);
    for (const c of list.body.data) {
      expect(c.name).toMatch(/^[A-Z][a-z]+ [A-Z][\p{L}-]+$/u);
      expect(c.email).toMatch(/^[a-z]+\.[a-z-]+@example\.com$/);
    }

    const second = await plinth(['seed', '--customers', '5', ...as(a)]);
    expect(second).toMatchObject({ code: 0, stdout: `Seeded ${base}: 0 customer(s) created, 5 already there.\n` });
    expect((await t.http.get('/v1/customers?limit=100').set(a.auth)).body.data).toHaveLength(5);

    const bad = await plinth(['seed', '--customers', '0', ...as(a)]);
    expect(bad).toMatchObject({ code: 1, stderr: expect.stringMatching(/^Error: --customers takes a whole number from 1 to \d+\.\n$/) });
  });
});

describe('plinth logs', () => {
  it('shows recent events and webhook deliveries, and --tail prints new ones', async () => {
    const a = await newTenant(t);
    const receiver = await new Receiver().start();
    try {
      const endpoint = await t.http
        .post('/v1/webhook-endpoints')
        .set(a.auth)
        .send({ url: `${receiver.url}/logs`, event_types: ['customer.*'] });
      const first = await aCustomer(a, 'Logged Once');
      const firstEvent = await eventAbout(a, first);
      await delivered(a, endpoint.body.id, firstEvent);

      const logs = await plinth(['logs', ...as(a)]);
      expect(logs.code).toBe(0);
      expect(logs.stdout).toMatch(new RegExp(`event {5}customer\\.created +${firstEvent}`));
      expect(logs.stdout).toMatch(new RegExp(`delivery  customer\\.created +${firstEvent} -> ${receiver.url}/logs  succeeded \\[200\\], 1 attempt`));
      expect(logs.stdout).toMatch(/event {5}webhook_endpoint\.created/);

      const json = (await plinth(['logs', '--json', ...as(a)])).stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(json).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ kind: 'event', id: firstEvent, type: 'customer.created' }),
          expect.objectContaining({ kind: 'delivery', event_id: firstEvent, status: 'succeeded', endpoint_url: `${receiver.url}/logs` }),
        ]),
      );

      const tail = background(['logs', '--tail', '--interval', '200', ...as(a)], tempConfig());
      try {
        await waitFor(() => tail.stdout().includes(firstEvent), 10_000, 'the recent events');
        const second = await aCustomer(a, 'Logged Twice');
        const secondEvent = await eventAbout(a, second);
        await waitFor(() => new RegExp(`event {5}customer\\.created +${secondEvent}`).test(tail.stdout()), 10_000, 'the new event');
        await waitFor(() => new RegExp(`delivery .*${secondEvent} .* succeeded \\[200\\]`).test(tail.stdout()), 15_000, 'its delivery');
        expect(tail.stdout().split(secondEvent).length - 1).toBeLessThanOrEqual(3); // the event, and its delivery once or twice (pending, succeeded)
      } finally {
        expect(await tail.stop()).toEqual({ code: 0, stderr: '' });
      }
    } finally {
      await receiver.stop();
    }
  }, 60_000);
});

// ---- helpers ----

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function env(config: string): NodeJS.ProcessEnv {
  // A clean environment: no PLINTH_* of the machine, and a home directory the CLI cannot spoil.
  return { PATH: process.env.PATH ?? '', HOME: tmpdir(), PLINTH_CONFIG: config };
}

/** Runs the CLI to completion. */
function plinth(args: string[], options: { config?: string; input?: string } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { env: env(options.config ?? tempConfig()), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.end(options.input ?? '');
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts a long-running command (listen, logs --tail); `stop()` sends Ctrl+C and says how it ended. */
function background(args: string[], config: string) {
  const child: ChildProcess = spawn(process.execPath, [bin, ...args], { env: env(config), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    stdout: () => stdout,
    async stop(): Promise<{ code: number | null; stderr: string }> {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      return { code: await exited, stderr };
    },
  };
}

const as = (a: TestTenant) => ['--api-key', a.apiKey, '--base-url', base];

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temporary.push(dir);
  return dir;
}

function tempConfig(): string {
  return join(tempDir('plinth-cli-config-'), 'config.json');
}

function lastJson(stdout: string) {
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

async function aCustomer(a: TestTenant, name: string): Promise<string> {
  const res = await t.http.post('/v1/customers').set(a.auth).send({ name });
  expect(res.status).toBe(201);
  return res.body.id;
}

async function eventAbout(a: TestTenant, customerId: string): Promise<string> {
  const res = await t.http.get('/v1/events?type=customer.created&limit=100').set(a.auth);
  return res.body.data.find((e: { data: { object: { id: string } } }) => e.data.object.id === customerId).id;
}

async function delivered(a: TestTenant, endpointId: string, eventId: string): Promise<void> {
  await waitFor(
    async () => {
      const res = await t.http.get(`/v1/webhook-endpoints/${endpointId}/deliveries`).set(a.auth);
      return res.body.data.some((d: { event_id: string; status: string }) => d.event_id === eventId && d.status === 'succeeded');
    },
    15_000,
    `the delivery of ${eventId}`,
  );
}

/**
 * Builds the SDK and the CLI when their sources are newer than their output, then lays the CLI out as
 * npm installs it, in a directory of its own: other test files rebuild the SDK in place (examples),
 * and a child process must not load it while that happens.
 */
function installCli(): string {
  for (let attempt = 1; ; attempt++) {
    try {
      withLock(join(CLI_DIR, '.build-lock'), () => {
        if (stale(join(SDK_DIR, 'dist', 'types', 'index.d.ts'), [join(SDK_DIR, 'src'), join(SDK_DIR, 'build.mjs')])) build(SDK_DIR);
        if (stale(join(CLI_DIR, 'dist', 'cli.js'), [join(CLI_DIR, 'src'), join(CLI_DIR, 'tsconfig.json'), join(CLI_DIR, 'package.json')])) build(CLI_DIR);
      });
      const modules = join(tempDir('plinth-cli-install-'), 'node_modules');
      for (const [name, dir] of [
        ['@plinth/sdk', SDK_DIR],
        ['@plinth/cli', CLI_DIR],
      ] as const) {
        mkdirSync(join(modules, name), { recursive: true });
        cpSync(join(dir, 'package.json'), join(modules, name, 'package.json'));
        cpSync(join(dir, 'dist'), join(modules, name, 'dist'), { recursive: true });
      }
      for (const name of ['commander', 'standardwebhooks']) symlinkSync(join(ROOT, 'node_modules', name), join(modules, name), 'dir');
      const cli = join(modules, '@plinth', 'cli', 'dist', 'cli.js');
      execFileSync(process.execPath, [cli, '--version'], { stdio: 'pipe' });
      return cli;
    } catch (err) {
      if (attempt === 3) throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 3_000);
    }
  }
}

function build(dir: string): void {
  execFileSync(process.execPath, ['build.mjs'], { cwd: dir, stdio: 'pipe' });
}

function stale(output: string, inputs: string[]): boolean {
  return !existsSync(output) || statSync(output).mtimeMs < Math.max(...inputs.map(newest));
}

function newest(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((entry) => newest(join(path, entry))));
}
