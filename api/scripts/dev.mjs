// npm run dev: Plinth restarting on every change (npm run bench:dev measures how fast).
//
// - `tsc --watch --noCheck` re-emits only the files that changed (transpiling, no type check: run
//   `npm run typecheck` or rely on the editor for types), with decorator metadata, into dist/;
// - `node --watch` restarts the server when an emitted file it loaded changes;
// - the embedded PostgreSQL (when DATABASE_URL is unset) is started once here and kept across
//   restarts, so a restart pays for the process and the app, not for the database;
// - the developer portal is rebuilt when a guide or the contract changes.
// Ctrl+C stops everything quietly: the server drains as on any SIGINT, then the database stops.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const api = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(api, '..');
const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');
const children = new Set();
let stopping = false;

function start(args, options = {}) {
  const child = spawn(process.execPath, args, { cwd: api, stdio: options.stdio ?? 'inherit', env: options.env ?? process.env });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** The first full emit, then a watcher that says when each later emit is done. */
function compile() {
  return new Promise((resolve, reject) => {
    const watcher = start([tsc, '-p', 'tsconfig.build.json', '--watch', '--noCheck', '--preserveWatchOutput'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let ready = false;
    watcher.stdout.setEncoding('utf8');
    watcher.stdout.on('data', (text) => {
      for (const line of text.split('\n')) {
        if (/error TS\d+/.test(line)) process.stdout.write(`[tsc] ${line}\n`);
        if (!ready && /Watching for file changes/.test(line)) {
          ready = true;
          resolve(watcher);
        }
      }
    });
    watcher.once('exit', (code) => ready || reject(new Error(`tsc exited with ${code}`)));
  });
}

async function main() {
  const started = performance.now();
  await compile();
  const { loadConfig } = require(join(api, 'dist/src/core/config.js'));
  const config = loadConfig();
  const env = { ...process.env, NODE_ENV: process.env.NODE_ENV ?? 'development' };
  let database;
  if (!config.databaseUrl) {
    const { startEmbeddedPostgres } = require(join(api, 'dist/src/core/db/embedded.js'));
    const quiet = { info() {}, warn: (m) => console.warn(m), error: (m) => console.error(m), debug() {} };
    database = await startEmbeddedPostgres(config.dataDir, quiet, (reason) => {
      console.error(`The embedded PostgreSQL stopped: ${reason}`);
      void stop(1);
    });
    env.DATABASE_URL = database.url;
  }
  process.stdout.write(`  npm run dev: compiled in ${Math.round(performance.now() - started)} ms; the server restarts on every change\n`);
  const server = start(['--watch', '--watch-preserve-output', '--enable-source-maps', 'dist/src/main.js'], { env });
  server.once('exit', (code) => stopping || stop(code ?? 1));
  const portal = join(root, 'developer-portal');
  start(['--watch-path', join(portal, 'guides'), '--watch-path', join(root, 'openapi'), '--watch-preserve-output', join(portal, 'build.mjs')], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });

  async function stop(code = 0) {
    if (stopping) return;
    stopping = true;
    // The terminal's Ctrl+C reaches every child at once; a kill from elsewhere is passed on here.
    for (const child of children) child.kill('SIGINT');
    await Promise.all([...children].map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)))));
    await database?.stop();
    process.exit(code);
  }
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
}

main().catch((err) => {
  console.error(`npm run dev could not start: ${err.message}`);
  for (const child of children) child.kill('SIGTERM');
  process.exit(1);
});
