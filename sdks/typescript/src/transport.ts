import { ConnectionError } from './errors.js';

export interface TransportOptions {
  maxRetries: number;
  timeoutMs: number;
  fetch: typeof globalThis.fetch;
}

const RETRYABLE_STATUS = new Set([409, 429, 500, 502, 503, 504]);

function newIdempotencyKey(): string {
  return `sdk_${globalThis.crypto.randomUUID()}`;
}

/** Exponential backoff with full jitter: 0.5 s, 1 s, 2 s ... capped at 8 s, or the server's Retry-After. */
export function retryDelayMs(attempt: number, retryAfter: string | null): number {
  const seconds = retryAfter === null ? NaN : Number(retryAfter);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds, 60) * 1000;
  const cap = Math.min(8000, 500 * 2 ** attempt);
  return cap / 2 + Math.random() * (cap / 2);
}

/**
 * The fetch every SDK call goes through: a per-attempt timeout, retries on network errors, 409
 * (an idempotent request still in progress), 429 and 5xx, and an `Idempotency-Key` on every POST so
 * a retried POST is never applied twice.
 */
export function retryingFetch(options: TransportOptions): typeof globalThis.fetch {
  return async (input, init) => {
    let request = new Request(input, init);
    if (request.method === 'POST' && !request.headers.has('idempotency-key')) {
      const headers = new Headers(request.headers);
      headers.set('Idempotency-Key', newIdempotencyKey());
      request = new Request(request, { headers });
    }
    const maxRetries = Number(request.headers.get('x-plinth-max-retries') ?? options.maxRetries);
    const timeoutMs = Number(request.headers.get('x-plinth-timeout-ms') ?? options.timeoutMs);
    if (request.headers.has('x-plinth-max-retries') || request.headers.has('x-plinth-timeout-ms')) {
      const headers = new Headers(request.headers);
      headers.delete('x-plinth-max-retries');
      headers.delete('x-plinth-timeout-ms');
      request = new Request(request, { headers });
    }
    const body = request.body ? await request.arrayBuffer() : undefined;
    for (let attempt = 0; ; attempt++) {
      const signal = AbortSignal.timeout(timeoutMs);
      try {
        const response = await options.fetch(new Request(request, { body, signal }));
        if (!RETRYABLE_STATUS.has(response.status) || attempt >= maxRetries) return response;
        // Only an in-progress idempotent duplicate is worth retrying among 409s.
        if (response.status === 409 && !(await isInProgress(response.clone()))) return response;
        await sleep(retryDelayMs(attempt, response.headers.get('retry-after')));
      } catch (err) {
        if (attempt >= maxRetries) {
          const reason =
            err instanceof Error && err.name === 'TimeoutError' ? `timed out after ${timeoutMs} ms` : String(err instanceof Error ? err.message : err);
          throw new ConnectionError('connection', null, {}, undefined, `Could not reach Plinth at ${new URL(request.url).origin}: ${reason}`);
        }
        await sleep(retryDelayMs(attempt, null));
      }
    }
  };
}

async function isInProgress(response: Response): Promise<boolean> {
  try {
    const body = (await response.json()) as { code?: string };
    return body.code === 'idempotency_key_in_use';
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
