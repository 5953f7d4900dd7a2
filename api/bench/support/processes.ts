import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, statSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import { join } from 'node:path';

/** The api/ folder (this file runs from api/dist/bench/support/). */
export const API_ROOT = join(__dirname, '..', '..', '..');
/** Plinth's entry point; BENCH_PLINTH_MAIN points at another build (an earlier commit's, for before/after figures). */
export const PLINTH_MAIN = process.env.BENCH_PLINTH_MAIN ?? join(API_ROOT, 'dist', 'src', 'main.js');
export const TRUE_FLOOR = join(API_ROOT, 'dist', 'bench', 'true-floor.js');
export const STACK_FLOOR = join(API_ROOT, 'dist', 'bench', 'floor-server.js');

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The Node flags `npm start` gives Plinth, read from the `start` script in api/package.json with its
 * `${VAR:-default}` expansions done, so the figures are those of a real start; BENCH_NODE_FLAGS
 * (space separated) replaces them.
 */
export function startFlags(): string[] {
  if (process.env.BENCH_NODE_FLAGS !== undefined) return process.env.BENCH_NODE_FLAGS.split(/\s+/).filter(Boolean);
  const pkg = JSON.parse(readFileSync(join(API_ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const script = pkg.scripts.start.replace(/\$\{(\w+):-([^}]*)\}/g, (_, name: string, fallback: string) => process.env[name] || fallback);
  const words = script.split(/\s+/);
  const node = words.indexOf('node');
  if (node < 0) throw new Error(`the start script does not run node: ${pkg.scripts.start}`);
  const flags: string[] = [];
  for (const word of words.slice(node + 1)) {
    if (!word.startsWith('--')) break;
    flags.push(word);
  }
  return flags;
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface Process {
  child: ChildProcess;
  pid: number;
  logFile: string;
}

export interface Server extends Process {
  base: string;
}

export interface StartOptions {
  flags: string[];
  env: Record<string, string>;
  logFile: string;
  /** Whether an answer to GET /readyz means the server is up (default: a 200). */
  ready?: (status: number) => boolean;
}

/**
 * Spawns `file` with `env` (and PATH), its output going to `logFile`, not through this process, which
 * also drives the load and must not spend CPU on logs; then polls `isReady` until it says yes (90 s at most).
 */
async function spawnUntilReady(file: string, flags: string[], env: Record<string, string>, logFile: string, isReady: () => Promise<boolean>): Promise<Process> {
  const out = openSync(logFile, 'a');
  const child = spawn(process.execPath, [...flags, file], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', out, out] });
  closeSync(out);
  const started = performance.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${file} exited with ${child.exitCode}:\n${tail(logFile)}`);
    if (await isReady()) return { child, pid: child.pid!, logFile };
    if (performance.now() - started > 90_000) {
      await stop(child);
      throw new Error(`${file} not ready after 90 s:\n${tail(logFile)}`);
    }
    await sleep(20);
  }
}

/** Starts `file` on a free port and waits until GET /readyz says it is ready. */
export async function startServer(file: string, { flags, env, logFile, ready = (status) => status === 200 }: StartOptions): Promise<Server> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const isReady = () =>
    fetch(`${base}/readyz`)
      .then((r) => ready(r.status))
      .catch(() => false);
  return { ...(await spawnUntilReady(file, flags, { ...env, PORT: String(port) }, logFile, isReady)), base };
}

/**
 * Starts `file` as a process that serves no HTTP (Plinth with PLINTH_PROCESS=worker) and waits until its
 * output, from this start on, contains `readyLine`.
 */
export async function startProcess(file: string, { flags, env, logFile, readyLine }: Omit<StartOptions, 'ready'> & { readyLine: string }): Promise<Process> {
  const from = existsSync(logFile) ? statSync(logFile).size : 0;
  const isReady = async () => readFileSync(logFile).subarray(from).toString('utf8').includes(readyLine);
  return spawnUntilReady(file, flags, env, logFile, isReady);
}

export function tail(file: string, chars = 4000): string {
  const text = readFileSync(file, 'utf8');
  return text.slice(-chars);
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
  });
}

/** Resident set size in MB, from /proc (Linux). */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024);
}

/** Samples a process's RSS every 250 ms while `work` runs; returns the work's result and the peak. */
export async function withPeakRss<T>(pid: number | undefined, work: () => Promise<T>): Promise<{ result: T; peakRssMb: number }> {
  let peakRssMb = 0;
  const sample = () => {
    if (pid) peakRssMb = Math.max(peakRssMb, rssMb(pid));
  };
  const timer = setInterval(sample, 250);
  try {
    const result = await work();
    sample();
    return { result, peakRssMb };
  } finally {
    clearInterval(timer);
  }
}
