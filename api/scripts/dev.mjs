// npm run dev: Plinth restarting on every change (npm run bench:dev -w api measures how fast).
//
// - Sources are transpiled by swc (the transpiler the tests use, with decorator metadata; no type
//   check: `npm run typecheck` or the editor does that) into dist/, all at start, then each file
//   again when it changes (fs.watch), in milliseconds;
// - `node --watch` restarts the server when a file it loaded changes;
// - the embedded PostgreSQL (when DATABASE_URL is unset) is started once here and kept across
//   restarts, so a restart pays for the process and the app, not for the database;
// - the developer portal is rebuilt when a guide, an error page's text, a changelog or the contract changes.
// Ctrl+C stops everything quietly: the server drains as on any SIGINT, then the database stops.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, watch, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const api = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(api, '..');
const src = join(api, 'src');
const out = join(api, 'dist', 'src');
const require = createRequire(import.meta.url);
const swc = require('@swc/core');
const options = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2023',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
  sourceMaps: true,
};
const children = new Set();
let stopping = false;

const isSource = (file) => file.endsWith('.ts') && !file.endsWith('.d.ts') && !file.endsWith('.test.ts') && !file.endsWith('.fixtures.ts');

/** One file into dist/src, with its source map; a syntax error is printed and the old output kept. */
async function transpile(file) {
  const target = join(out, relative(src, file)).replace(/\.ts$/, '.js');
  try {
    const { code, map } = await swc.transformFile(file, { ...options, sourceFileName: relative(dirname(target), file) });
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(`${target}.map`, map);
    writeFileSync(target, `${code}\n//# sourceMappingURL=${target.split('/').pop()}.map\n`);
    return true;
  } catch (err) {
    process.stdout.write(`[swc] ${relative(api, file)}: ${err.message ?? err}\n`);
    return false;
  }
}

function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : isSource(e.name) ? [join(dir, e.name)] : []));
}

function start(args, options = {}) {
  const child = spawn(process.execPath, args, { cwd: api, stdio: options.stdio ?? 'inherit', env: options.env ?? process.env });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

async function main() {
  const started = performance.now();
  const all = sources(src);
  await Promise.all(all.map(transpile));
  // A change is transpiled at once; node --watch sees the new output and restarts the server.
  watch(src, { recursive: true }, (_event, name) => {
    if (name && isSource(name)) void transpile(join(src, name));
  });

  const { loadConfig } = require(join(out, 'core', 'config.js'));
  const config = loadConfig();
  // V8's code cache across restarts: the modules of a restart compile from cache (~15 % of loading).
  const env = { ...process.env, NODE_ENV: process.env.NODE_ENV ?? 'development', NODE_COMPILE_CACHE: join(config.dataDir, 'compile-cache') };
  let database;
  if (!config.databaseUrl) {
    const { startEmbeddedPostgres } = require(join(out, 'core', 'db', 'embedded.js'));
    const quiet = { info() {}, warn: (m) => console.warn(m), error: (m) => console.error(m), debug() {} };
    database = await startEmbeddedPostgres(config.dataDir, quiet, (reason) => {
      console.error(`The embedded PostgreSQL stopped: ${reason}`);
      void stop(1);
    });
    env.DATABASE_URL = database.url;
  }
  process.stdout.write(`  npm run dev: ${all.length} files transpiled in ${Math.round(performance.now() - started)} ms; the server restarts on every change\n`);
  const server = start(['--watch', '--watch-preserve-output', '--enable-source-maps', 'dist/src/main.js'], { env });
  server.once('exit', (code) => stopping || stop(code ?? 1));
  const portal = join(root, 'developer-portal');
  const portalInputs = [join(portal, 'guides'), join(portal, 'changelog'), join(portal, 'errors.json'), join(root, 'openapi')];
  start([...portalInputs.flatMap((p) => ['--watch-path', p]), '--watch-preserve-output', join(portal, 'build.mjs')], {
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
