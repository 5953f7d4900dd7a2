import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { buildApi, exited, freePort, kill, startPlinth, type PlinthProcess } from './support/processes';

/**
 * Issue 10, §6: a clone in a directory only root can enter (`/root/plinth`, a `mktemp -d` folder) and
 * `npm start` as root. PostgreSQL refuses to run as root, so the embedded one runs as the `postgres`
 * user, who can reach neither the binaries in that clone's node_modules nor its `.plinth` folder.
 * Plinth then keeps a copy of the binaries and the cluster in /var/lib/plinth (the data folder links
 * to it), and the data survives a restart. Where it cannot, it stops with one sentence saying what to do.
 *
 * The clone is simulated: a 0700 folder holds links to this repository's top-level entries (`api`,
 * `node_modules`, `openapi`...), and Node keeps those paths (`--preserve-symlinks`), so the binaries
 * are found inside the 0700 folder.
 */
const REPO = resolve(__dirname, '..', '..');
const STATE_DIR = '/var/lib/plinth';
const asRoot = process.getuid?.() === 0;
if (!asRoot) console.log('embedded-root: skipped, it needs to run as root (the case it covers only exists for root)');
const rootOnly = asRoot ? it : it.skip;

let running: PlinthProcess | undefined;
const clones: string[] = [];
beforeAll(() => {
  if (asRoot) buildApi();
}, 120_000);
afterEach(async () => {
  if (running) await kill(running, 'SIGKILL');
  running = undefined;
});
afterAll(() => {
  for (const outer of clones) {
    // The cluster placed in /var/lib/plinth for this clone, then the clone.
    const link = join(outer, 'plinth', '.plinth', 'postgres');
    if (lstatSync(link, { throwIfNoEntry: false })?.isSymbolicLink()) rmSync(dirname(readlinkSync(link)), { recursive: true, force: true });
    rmSync(outer, { recursive: true, force: true });
  }
});

/** A root-only folder (mode 0700, as `mktemp -d` makes) holding a "clone" of Plinth. */
function rootOnlyClone(): { clone: string; dataDir: string; main: string } {
  const outer = mkdtempSync(join(tmpdir(), 'plinth-root-only-'));
  chmodSync(outer, 0o700);
  clones.push(outer);
  const clone = join(outer, 'plinth');
  mkdirSync(clone);
  for (const entry of readdirSync(REPO)) if (!entry.startsWith('.')) symlinkSync(join(REPO, entry), join(clone, entry));
  return { clone, dataDir: join(clone, '.plinth'), main: join(clone, 'api', 'dist', 'src', 'main.js') };
}

function start(main: string, dataDir: string, port: number): Promise<PlinthProcess> {
  const args = ['--preserve-symlinks', '--preserve-symlinks-main', '--enable-source-maps', main];
  return startPlinth({ PORT: String(port), PLINTH_DATA_DIR: dataDir }, /listening on/, 45_000, args);
}

async function stop(p: PlinthProcess): Promise<number | string> {
  p.child.kill('SIGTERM');
  return exited(p);
}

const postmasterPid = (cluster: string) => Number(readFileSync(join(cluster, 'postmaster.pid'), 'utf8').split('\n')[0]);
const platformTenant = (output: string) => /Platform tenant: (\S+)/.exec(output)?.[1];

rootOnly(
  'as root in a directory the postgres user cannot enter, npm start works and its data survives a restart',
  async () => {
    const { dataDir, main } = rootOnlyClone();
    const port = await freePort();

    running = await start(main, dataDir, port);
    const first = running.output();
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    // The cluster lives in /var/lib/plinth; the data folder says where.
    const link = join(dataDir, 'postgres');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    const cluster = readlinkSync(link);
    expect(cluster.startsWith(`${STATE_DIR}/data/`)).toBe(true);
    // The server runs as postgres, from binaries it can reach (a copy in /var/lib/plinth).
    const pid = postmasterPid(cluster);
    expect(readlinkSync(`/proc/${pid}/exe`).startsWith(`${STATE_DIR}/postgres-`)).toBe(true);
    expect(lstatSync(`/proc/${pid}`).uid).not.toBe(0);
    expect(first).toContain('Platform operator key');

    expect(await stop(running)).toBe(0);
    expect(existsSync(`/proc/${pid}`)).toBe(false);

    // A restart finds the same database: the same platform tenant, and no new operator key.
    running = await start(main, dataDir, port);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    expect(platformTenant(running.output())).toBe(platformTenant(first));
    expect(running.output()).not.toContain('Platform operator key');
    expect(readlinkSync(link)).toBe(cluster);
    expect(await stop(running)).toBe(0);
    running = undefined;
  },
  60_000,
);

rootOnly('stops with one sentence, no stack trace, when the postgres user cannot reach an existing database', async () => {
  const { dataDir, main } = rootOnlyClone();
  // A cluster made here earlier (when the folder could still be entered): it is not abandoned.
  mkdirSync(join(dataDir, 'postgres'), { recursive: true });
  writeFileSync(join(dataDir, 'postgres', 'PG_VERSION'), '18\n');
  const failure = await start(main, dataDir, await freePort()).then(
    () => 'started',
    (err: Error) => err.message,
  );
  expect(failure).toMatch(/^process exited with 1:/);
  const lines = failure.split('\n').filter((line) => line.trim() && !line.startsWith('{'));
  expect(lines).toEqual([
    'process exited with 1:',
    `Plinth failed to start: As root, the embedded PostgreSQL runs as the postgres user, who cannot reach the existing database in ${join(dataDir, 'postgres')}: clone Plinth into a directory every user can enter (such as /srv or /opt), run it as a user other than root, or set DATABASE_URL to use your own server.`,
  ]);
  expect(failure).not.toMatch(/\n\s+at /);
});
