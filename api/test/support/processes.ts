import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const API_DIR = resolve(__dirname, '..', '..');

/**
 * Compiles the API with tsc (as `npm start` does), so a test can run Plinth as a real separate process.
 * Test files run in parallel workers: the first to get here builds (under a lock directory), the
 * others wait for it, and nobody builds twice in one run.
 */
export function buildApi(): void {
  const stamp = join(API_DIR, 'dist', '.built-for-test-run');
  const run = process.env.PLINTH_TEST_DATABASE_URL ?? String(process.pid);
  withLock(join(API_DIR, '.build-lock'), () => {
    if (existsSync(stamp) && readFileSync(stamp, 'utf8') === run) return;
    const tsc = require.resolve('typescript/bin/tsc');
    const out = spawnSync(process.execPath, [tsc, '-p', join(API_DIR, 'tsconfig.build.json')], { encoding: 'utf8' });
    if (out.status !== 0) throw new Error(`tsc failed:\n${out.stdout}\n${out.stderr}`);
    writeFileSync(stamp, run);
  });
}

/** Runs `fn` while holding a lock directory (test files run in parallel workers); a lock left by a dead holder is broken after 2 min. */
export function withLock(lock: string, fn: () => void): void {
  for (let waited = 0; ; waited += 200) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (waited > 120_000) rmSync(lock, { recursive: true, force: true });
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * A port for a child process to listen on. Taken below the kernel's ephemeral range (32768 and up on
 * Linux), where nothing else in the run binds with port 0: a port from `listen(0)` could be handed to
 * another test's server between this check and the child's own listen (EADDRINUSE, seen in CI).
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const candidate = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((resolveFree) => {
      const server = createServer();
      server.once('error', () => resolveFree(false));
      server.listen(candidate, () => server.close(() => resolveFree(true)));
    });
    if (free) return candidate;
  }
}

/** Resolves with the exit code (or signal) once the process has exited. */
export function exited(p: PlinthProcess): Promise<number | string> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return Promise.resolve(p.child.exitCode ?? p.child.signalCode!);
  return new Promise((resolveExit) => p.child.once('exit', (code, signal) => resolveExit(code ?? signal!)));
}

export interface PlinthProcess {
  child: ChildProcess;
  output: () => string;
}

/**
 * Starts `node dist/src/main.js` (or `args`, such as npm's `start`) with the given environment and
 * waits until it says it is ready.
 */
export async function startPlinth(
  env: Record<string, string>,
  ready: RegExp,
  timeoutMs = 30_000,
  args = ['--enable-source-maps', join(API_DIR, 'dist', 'src', 'main.js')],
): Promise<PlinthProcess> {
  const child = spawn(process.execPath, args, {
    cwd: resolve(API_DIR, '..'),
    env: { PATH: process.env.PATH ?? '', PLINTH_DATA_DIR: mkdtempSync(join(tmpdir(), 'plinth-proc-')), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  await new Promise<void>((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`process not ready after ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const check = () => {
      if (ready.test(output)) {
        clearTimeout(timer);
        resolveReady();
      }
    };
    child.stdout!.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`process exited with ${code}:\n${output}`));
    });
  });
  child.removeAllListeners('exit');
  return { child, output: () => output };
}

export async function kill(p: PlinthProcess, signal: NodeJS.Signals): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  await new Promise<void>((resolveExit) => {
    p.child.once('exit', () => resolveExit());
    p.child.kill(signal);
  });
}
