import type { PlinthError } from '@plinth/sdk';

/** A mistake the user can fix (a missing key, a bad argument): printed as its message, no stack. */
export class CliError extends Error {
  override name = 'CliError';
}

/** True for the SDK's typed errors; `kind` works across bundles where instanceof may not. */
export function isPlinthError(err: unknown): err is PlinthError {
  return err instanceof Error && typeof (err as Partial<PlinthError>).kind === 'string' && 'code' in err;
}

/** One line: the problem's title, its detail and its code (and the request id, for support). */
export function describeError(err: unknown): string {
  if (isPlinthError(err)) {
    const head = err.title && err.title !== err.detail ? `${err.title}: ${err.detail}` : err.detail;
    const fields = err.errors.length ? ` (${err.errors.map((e) => `${e.path}: ${e.message}`).join('; ')})` : '';
    const tags = [err.code, err.requestId && `request ${err.requestId}`].filter(Boolean).join(', ');
    return `${head}${fields} [${tags}]`;
  }
  if (err instanceof CliError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}

export function errorJson(err: unknown): Record<string, unknown> {
  if (isPlinthError(err)) {
    return {
      error: { kind: err.kind, status: err.status, code: err.code, title: err.title, detail: err.detail, request_id: err.requestId, errors: err.errors },
    };
  }
  return { error: { message: describeError(err) } };
}

/** Output of one command: human lines, or JSON with `--json`. */
export class Output {
  constructor(readonly json: boolean) {}

  /** A line for people (skipped with --json). */
  line(text: string): void {
    if (!this.json) process.stdout.write(`${text}\n`);
  }

  /** A result for programs (only with --json): one JSON document per line. */
  data(value: unknown): void {
    if (this.json) process.stdout.write(`${JSON.stringify(value)}\n`);
  }

  /** Notes and warnings, not the command's result: on stderr, so they never mix into its output (with or without --json). */
  note(text: string): void {
    process.stderr.write(`${text}\n`);
  }
}

/** `2026-11-22 10:00:00` in local time, as people read logs. */
export function localTime(date: Date | string = new Date()): string {
  const d = typeof date === 'string' ? new Date(date) : date;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Prints a polling failure once (not every second), and when polling works again. */
export class PollHealth {
  private last: string | null = null;

  constructor(private readonly out: Output) {}

  failed(err: unknown): void {
    const message = describeError(err);
    if (message !== this.last) this.out.note(`${localTime()}  Cannot reach Plinth, retrying: ${message}`);
    this.last = message;
  }

  ok(): void {
    if (this.last !== null) this.out.note(`${localTime()}  Reached Plinth again.`);
    this.last = null;
  }
}
