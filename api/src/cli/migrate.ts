import '../core/node-version.js';
import 'reflect-metadata';
import { loadConfig } from '../core/config.js';
import { openDatabase } from '../core/db/database.js';
import { createLogger } from '../core/logger.js';
import { registry } from '../modules/index.js';

/** `npm run migrate`: applies pending migrations (the server also does this on start) and exits. */
async function run(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const db = await openDatabase(registry, config, log);
  process.stdout.write(`Migrations are up to date on ${db.description}.\n`);
  await db.close();
}

run().catch((err) => {
  process.stderr.write(`Migration failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
