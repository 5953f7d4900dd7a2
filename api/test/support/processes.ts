import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const API_DIR = resolve(__dirname, '..', '..');

/** Compiles the API with tsc (as `npm start` does), so a test can run Plinth as a real separate process. */
export function buildApi(): void {
  const tsc = require.resolve('typescript/bin/tsc');
  const out = spawnSync(process.execPath, [tsc, '-p', join(API_DIR, 'tsconfig.build.json')], { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`tsc failed:\n${out.stdout}\n${out.stderr}`);
}

export interface PlinthProcess {
  child: ChildProcess;
  output: () => string;
}

/** Starts `node dist/src/main.js` with the given environment and waits until it says it is ready. */
export async function startPlinth(env: Record<string, string>, ready: RegExp, timeoutMs = 30_000): Promise<PlinthProcess> {
  const child = spawn(process.execPath, ['--enable-source-maps', join(API_DIR, 'dist', 'src', 'main.js')], {
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
