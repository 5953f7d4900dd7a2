// Provides one fresh database for the whole run: on DATABASE_URL's server when set, otherwise on an
// embedded PostgreSQL in a temporary directory. Tests isolate themselves with a fresh tenant each.
// (Runs outside jest's module mapping: plain CommonJS, no relative .js imports.)
const { lstatSync, mkdtempSync, readlinkSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { dirname, join } = require('node:path');

module.exports = async function globalSetup() {
  const pg = require('pg');
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    // The embedded PostgreSQL `npm start` runs (src/core/db/embedded.ts): as root, it also works from a
    // directory the postgres user cannot enter (a clone in /root or in a `mktemp -d` folder).
    const { startEmbeddedPostgres } = require('../../src/core/db/embedded.ts');
    const dir = mkdtempSync(join(tmpdir(), 'plinth-test-'));
    const quiet = { info() {}, warn() {}, error() {} };
    const server = await startEmbeddedPostgres(dir, quiet, (reason) => process.stderr.write(`\n${reason}\n`));
    globalThis.__PLINTH_EMBEDDED__ = {
      async stop() {
        await server.stop();
        const cluster = join(dir, 'postgres');
        // Where it was placed instead of `dir` (a symbolic link says so), when the postgres user could not enter `dir`.
        if (lstatSync(cluster, { throwIfNoEntry: false })?.isSymbolicLink()) rmSync(dirname(readlinkSync(cluster)), { recursive: true, force: true });
        rmSync(dir, { recursive: true, force: true });
      },
    };
    const url = new URL(server.url);
    url.pathname = '/postgres';
    serverUrl = url.toString();
  }
  const name = `plinth_test_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  process.env.PLINTH_TEST_DATABASE_URL = url.toString();
  globalThis.__PLINTH_TEST_DB__ = { serverUrl, name };
};
