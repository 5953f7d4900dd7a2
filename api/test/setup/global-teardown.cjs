module.exports = async function globalTeardown() {
  const pg = require('pg');
  const { serverUrl, name } = globalThis.__PLINTH_TEST_DB__ ?? {};
  if (serverUrl && !globalThis.__PLINTH_EMBEDDED__) {
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
  await globalThis.__PLINTH_EMBEDDED__?.stop();
};
