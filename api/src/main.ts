import './core/node-version.js';
import 'reflect-metadata';
import { createApp } from './app.js';
import { loadConfig, type Config } from './core/config.js';
import { createHttpServer, type HttpServer } from './core/http/server.js';
import { createLogger } from './core/logger.js';
import { startRuntime, type Runtime } from './core/runtime.js';
import { startWorker, type Worker } from './worker.js';
import { registry } from './modules/index.js';

/**
 * The process: Plinth owns SIGTERM and SIGINT (nothing it loads installs its own). On either signal it
 * stops accepting connections, lets in-flight requests finish (up to SHUTDOWN_DRAIN_MS), stops the
 * worker at a safe point, closes its pools, stops the embedded database if it started one, and exits 0.
 */
async function main(): Promise<void> {
  const started = performance.now();
  const config = loadConfig();
  const log = createLogger(config.logLevel);

  // What has started so far, for the shutdown to stop (a signal may arrive during start-up).
  let worker: Worker | undefined;
  let http: HttpServer | undefined;
  let runtime: Runtime | undefined = undefined;
  let stopping = false;
  let starting = true;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    if (starting) return; // main() shuts down as soon as start-up completes
    log.info({ signal }, 'shutting down: no new connections, finishing in-flight requests');
    // Whatever happens below, the process ends: a stop that hangs must not keep a deploy waiting.
    setTimeout(() => {
      log.error('shutdown did not complete within its deadline; exiting');
      process.exit(1);
    }, config.drainTimeoutMs + 20_000).unref();
    try {
      if (http && !(await http.drain(config.drainTimeoutMs))) {
        log.warn({ drain_ms: config.drainTimeoutMs }, 'in-flight requests did not finish in time; their connections were closed');
      }
      log.info('requests drained; stopping the worker');
      await worker?.stop();
      log.info('closing database connections');
      await runtime?.close();
      log.info('stopped');
      process.exit(0);
    } catch (err) {
      log.error({ err: String(err) }, 'error while stopping');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  runtime = await startRuntime(registry, config, log, {
    onFatal: (reason) => {
      log.fatal({ reason }, 'cannot continue');
      process.stderr.write(`\nPlinth stopped: ${reason}\n`);
      process.exit(1);
    },
  });
  // The API listens first, then the worker starts beside it: requests are served as soon as the
  // app can take them (the worker's job runner takes a few hundred ms more to start).
  if (config.processRole !== 'worker') {
    const { app } = createApp(runtime.deps);
    http = createHttpServer(app, config, log);
    await new Promise<void>((resolve, reject) => {
      http!.server.once('error', reject);
      http!.server.listen(config.port, () => resolve());
    });
    process.stdout.write(banner(config, runtime, Math.round(performance.now() - started)));
  }
  if (config.processRole !== 'api') worker = await startWorker(runtime.deps, runtime.database);
  starting = false;
  if (stopping) {
    stopping = false;
    return shutdown('signal during start-up');
  }
  if (!http) process.stdout.write(`\n  Plinth worker is running (ready in ${Math.round(performance.now() - started)} ms)\n\n`);
}

/** What `npm start` prints once the API is listening. */
function banner(config: Config, runtime: Runtime, ms: number): string {
  const base = config.publicUrl ?? `http://localhost:${config.port}`;
  const lines = [
    '',
    `  Plinth is listening on ${base}  (ready in ${ms} ms)`,
    `  Developer portal: ${base}/portal   (guides, reference with try-it, events, errors)`,
    `  Swagger UI:       ${base}/docs   contract: ${base}/openapi.json`,
    `  Database:         ${runtime.database.description}`,
    `  Platform tenant:  ${runtime.boot.platformTenantId}`,
  ];
  if (runtime.deps.outbox) lines.push(`  Mail outbox:      ${base}/dev/outbox   (SMTP_URL is unset: mail is kept here, not sent)`);
  if (runtime.boot.generatedRootKey) {
    lines.push(
      '',
      '  Platform operator key (shown once, stored only as a hash; keep it safe). Try it:',
      `    export PLINTH_ROOT_KEY=${runtime.boot.generatedRootKey}`,
      `    curl -H "Authorization: Bearer $PLINTH_ROOT_KEY" ${base}/v1/tenants`,
    );
  }
  return lines.join('\n') + '\n\n';
}

main().catch((err) => {
  process.stderr.write(`Plinth failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
