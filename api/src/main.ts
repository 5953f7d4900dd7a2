import 'reflect-metadata';
import type { Server } from 'node:http';
import { createApp } from './app.js';
import { loadConfig } from './core/config.js';
import { createLogger } from './core/logger.js';
import { startRuntime } from './core/runtime.js';
import { startWorker, type Worker } from './worker.js';

async function main(): Promise<void> {
  const started = performance.now();
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const runtime = await startRuntime(config, log);
  const worker: Worker | undefined = config.processRole === 'api' ? undefined : await startWorker(runtime.deps, runtime.database);
  if (config.processRole === 'worker') {
    process.stdout.write(`\n  Plinth worker is running (ready in ${Math.round(performance.now() - started)} ms)\n\n`);
    const stop = async (signal: string) => {
      log.info({ signal }, 'worker shutting down');
      await worker!.stop();
      await runtime.close();
      process.exit(0);
    };
    process.on('SIGTERM', () => void stop('SIGTERM'));
    process.on('SIGINT', () => void stop('SIGINT'));
    return;
  }
  const { app } = createApp(runtime.deps);

  const server: Server = await new Promise((resolve) => {
    const s = app.listen(config.port, () => resolve(s));
  });
  const base = config.publicUrl ?? `http://localhost:${config.port}`;
  const lines = [
    '',
    `  Plinth is listening on ${base}  (ready in ${Math.round(performance.now() - started)} ms)`,
    `  API reference:  ${base}/docs   contract: ${base}/openapi.json`,
    `  Database:       ${runtime.database.description}`,
    `  Platform tenant: ${runtime.boot.platformTenantId}`,
  ];
  if (runtime.boot.generatedRootKey) {
    lines.push(
      '',
      '  Platform operator key (shown once, stored only as a hash; keep it safe):',
      `    ${runtime.boot.generatedRootKey}`,
      '  Try: curl -H "Authorization: Bearer <key>" ' + `${base}/v1/tenants`,
    );
  }
  process.stdout.write(lines.join('\n') + '\n\n');

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: no new connections, finishing in-flight requests');
    const force = setTimeout(() => {
      log.warn('in-flight requests did not finish within 10 s; closing anyway');
      server.closeAllConnections();
    }, 10_000);
    force.unref();
    server.close(async () => {
      try {
        await worker?.stop();
        await runtime.close();
        log.info('stopped');
        process.exit(0);
      } catch (err) {
        log.error({ err: String(err) }, 'error while stopping');
        process.exit(1);
      }
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`Plinth failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
