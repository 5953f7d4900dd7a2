import type { Command } from 'commander';
import { describeError, errorJson } from './output.js';

/**
 * Wraps a command's action: any error becomes one line on stderr (the problem's title, detail and
 * code; JSON with --json) and exit code 1. No stack traces: they help nobody who runs the command.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- commander passes the positional arguments, the options, then the command
export function action<A extends any[]>(fn: (...args: A) => Promise<void>): (...args: [...A, Command]) => Promise<void> {
  return async (...args) => {
    const command = args[args.length - 1] as Command;
    try {
      await fn(...(args.slice(0, -1) as A));
    } catch (err) {
      fail(err, Boolean(command.opts().json));
    }
  };
}

export function fail(err: unknown, json: boolean): void {
  process.stderr.write(json ? `${JSON.stringify(errorJson(err))}\n` : `Error: ${describeError(err)}\n`);
  process.exitCode = 1;
}
