module.exports = async function globalTeardown() {
  const pg = require('pg');
  const { serverUrl, name } = globalThis.__PLINTH_TEST_DB__ ?? {};
  if (serverUrl && !globalThis.__PLINTH_EMBEDDED__) {
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    // The run's database and the ones test files made beside it (`<name>_<tag>`).
    const { rows } = await admin.query(`select datname from pg_database where datname = $1 or datname like $2`, [name, `${name}\\_%`]);
    for (const row of rows) await admin.query(`drop database if exists "${row.datname}" with (force)`);
    await admin.end();
  }
  await globalThis.__PLINTH_EMBEDDED__?.stop();
};
