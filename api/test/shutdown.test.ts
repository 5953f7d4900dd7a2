import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT_KEY, TEST_SECRET, testDatabaseUrl } from './harness';
import { buildApi, exited, freePort, kill, startPlinth, type PlinthProcess } from './support/processes';

/**
 * A deploy must not drop requests: SIGTERM while 50 requests are in flight, and every one of them gets
 * its complete answer, the process exits 0 within the drain time (SHUTDOWN_DRAIN_MS, 10 s), and an
 * embedded database it started is stopped too. Run as `node dist/src/main.js` (with the embedded
 * database, and with DATABASE_URL), and as the README runs it: `npm start`, signalling npm.
 */
const IN_FLIGHT = 50;
const DRAIN_MS = 10_000;

let running: PlinthProcess | undefined;
beforeAll(() => buildApi(), 120_000);
afterEach(async () => {
  if (running) await kill(running, 'SIGKILL');
  running = undefined;
});

/**
 * Sign-ups hash a password with argon2id (tens of ms each, four at a time): 50 keep the server busy.
 * Each is sent on its own connection; `written` resolves once every request has been handed to the
 * server (connected and fully written), so the signal is sent with all 50 truly in flight.
 */
function signUps(port: number) {
  const sent: Promise<void>[] = [];
  const answers = Array.from({ length: IN_FLIGHT }, (_, i) => {
    const body = JSON.stringify({ email: `drain${i}.${Date.now()}@example.com`, password: 'correct horse battery staple', name: 'D', tenant_name: 'D' });
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/v1/auth/signup', agent: false, headers: { 'content-type': 'application/json' } });
    sent.push(new Promise((resolve) => req.on('finish', () => resolve())));
    return new Promise<{ status: number | string; complete: boolean }>((resolve) => {
      req.on('response', (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, complete: /"access_token"/.test(text) }));
        res.on('error', (err) => resolve({ status: String(err), complete: false }));
      });
      req.on('error', (err) => resolve({ status: String(err), complete: false }));
      req.end(body);
    });
  });
  return { written: Promise.all(sent), answers: Promise.all(answers) };
}

async function sigtermUnderLoad(p: PlinthProcess, port: number, signalled: PlinthProcess = p) {
  const load = signUps(port);
  await load.written;
  await new Promise((r) => setTimeout(r, 50));
  const sentAt = Date.now();
  signalled.child.kill('SIGTERM');
  const results = await load.answers;
  const code = await exited(signalled);
  const tookMs = Date.now() - sentAt;
  return { results, code, tookMs };
}

function postmasterAlive(dataDir: string): boolean {
  const pidFile = join(dataDir, 'postgres', 'postmaster.pid');
  if (!existsSync(pidFile)) return false;
  try {
    process.kill(Number(readFileSync(pidFile, 'utf8').split('\n')[0]), 0);
    return true;
  } catch {
    return false;
  }
}

const env = (port: number, dataDir?: string) => ({
  PORT: String(port),
  PLINTH_SECRET: TEST_SECRET,
  PLINTH_ROOT_KEY: ROOT_KEY,
  ...(dataDir ? { PLINTH_DATA_DIR: dataDir } : {}),
});

it('answers all 50 in-flight requests after SIGTERM and exits 0 within the drain time (embedded database)', async () => {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'plinth-drain-'));
  running = await startPlinth(env(port, dataDir), /listening on/);
  const { results, code, tookMs } = await sigtermUnderLoad(running, port);
  console.log(`shutdown (embedded): ${results.filter((r) => r.complete).length}/${IN_FLIGHT} complete, exit ${code} after ${tookMs} ms`);
  expect(results.filter((r) => !r.complete)).toEqual([]);
  expect(code).toBe(0);
  expect(tookMs).toBeLessThan(DRAIN_MS);
  expect(postmasterAlive(dataDir)).toBe(false);
}, 60_000);

it('does the same with DATABASE_URL set', async () => {
  const port = await freePort();
  running = await startPlinth({ ...env(port), DATABASE_URL: testDatabaseUrl('shutdown') }, /listening on/);
  const { results, code, tookMs } = await sigtermUnderLoad(running, port);
  console.log(`shutdown (DATABASE_URL): ${results.filter((r) => r.complete).length}/${IN_FLIGHT} complete, exit ${code} after ${tookMs} ms`);
  expect(results.filter((r) => !r.complete)).toEqual([]);
  expect(code).toBe(0);
  expect(tookMs).toBeLessThan(DRAIN_MS);
}, 60_000);

it('does the same when the signal goes to `npm start`, the README way to run Plinth', async () => {
  const npm = process.env.npm_execpath;
  if (!npm) throw new Error('run the tests with npm test (npm_execpath is unset)');
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'plinth-npm-'));
  running = await startPlinth({ ...env(port, dataDir), npm_config_loglevel: 'silent' }, /listening on/, 120_000, [npm, 'start']);
  const { results, code, tookMs } = await sigtermUnderLoad(running, port);
  console.log(`shutdown (npm start): ${results.filter((r) => r.complete).length}/${IN_FLIGHT} complete, exit ${code} after ${tookMs} ms`);
  expect(results.filter((r) => !r.complete)).toEqual([]);
  expect(code).toBe(0);
  expect(tookMs).toBeLessThan(DRAIN_MS);
  expect(postmasterAlive(dataDir)).toBe(false);
}, 180_000);
