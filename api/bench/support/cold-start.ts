import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort, PLINTH_MAIN, sleep, stop } from './processes.js';

/**
 * Time from spawning Plinth with a fresh data directory (so initdb, migrations and bootstrap all run on
 * the embedded PostgreSQL, as a first `npm start`) to GET /readyz answering 200. Sorted, one per run.
 */
export async function coldStarts(work: string, flags: string[], secret: string, runs: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const port = await freePort();
    const started = performance.now();
    const child = spawn(process.execPath, [...flags, PLINTH_MAIN], {
      env: { PATH: process.env.PATH ?? '', PLINTH_DATA_DIR: join(work, `cold-${i}`), PORT: String(port), PLINTH_SECRET: secret, LOG_LEVEL: 'warn' },
      stdio: 'ignore',
    });
    try {
      for (;;) {
        const ok = await fetch(`http://127.0.0.1:${port}/readyz`)
          .then((r) => r.status === 200)
          .catch(() => false);
        if (ok) break;
        if (child.exitCode !== null) throw new Error(`cold start: Plinth exited with ${child.exitCode}`);
        if (performance.now() - started > 60_000) throw new Error('cold start took over 60 s');
        await sleep(10);
      }
      times.push(Math.round(performance.now() - started));
    } finally {
      await stop(child);
    }
  }
  return times.sort((a, b) => a - b);
}
