/** A field that failed validation, as in a 422 problem's `errors`. */
export interface FieldError {
  path: string;
  message: string;
}

/** The problem+json body Plinth answers errors with (RFC 9457). */
export interface ProblemBody {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  request_id?: string;
  errors?: FieldError[];
}

/**
 * Every error the SDK throws. API errors carry the problem+json fields; `kind` tells them apart
 * without instanceof (which breaks across bundles), and each kind also has its own subclass.
 */
export class PlinthError extends Error {
  readonly kind: 'invalid_request' | 'authentication' | 'permission' | 'not_found' | 'conflict' | 'rate_limit' | 'api' | 'connection';
  readonly status: number | null;
  readonly code: string;
  readonly type: string | null;
  readonly title: string | null;
  readonly detail: string;
  readonly requestId: string | null;
  readonly errors: FieldError[];
  /** Seconds to wait before retrying, from `Retry-After` (429). */
  readonly retryAfter: number | null;

  constructor(kind: PlinthError['kind'], status: number | null, body: ProblemBody, headers?: Headers, message?: string) {
    super(message ?? body.detail ?? body.title ?? `Plinth answered ${status}`);
    this.name = new.target.name;
    this.kind = kind;
    this.status = status;
    this.code = body.code ?? (status ? `http_${status}` : 'connection_error');
    this.type = body.type ?? null;
    this.title = body.title ?? null;
    this.detail = body.detail ?? this.message;
    this.requestId = body.request_id ?? headers?.get('request-id') ?? null;
    this.errors = body.errors ?? [];
    const retryAfter = headers?.get('retry-after');
    this.retryAfter = retryAfter ? Number(retryAfter) : null;
  }
}

export class InvalidRequestError extends PlinthError {}
export class AuthenticationError extends PlinthError {}
export class PermissionError extends PlinthError {}
export class NotFoundError extends PlinthError {}
export class ConflictError extends PlinthError {}
export class RateLimitError extends PlinthError {}
export class ApiError extends PlinthError {}
export class ConnectionError extends PlinthError {}

/** Builds the error for a non-2xx response. */
export function errorFromResponse(status: number, body: unknown, headers: Headers): PlinthError {
  const problem: ProblemBody = body && typeof body === 'object' ? (body as ProblemBody) : { detail: typeof body === 'string' && body ? body : undefined };
  if (status === 400 || status === 413 || status === 415 || status === 422) return new InvalidRequestError('invalid_request', status, problem, headers);
  if (status === 401) return new AuthenticationError('authentication', status, problem, headers);
  if (status === 403) return new PermissionError('permission', status, problem, headers);
  if (status === 404 || status === 410) return new NotFoundError('not_found', status, problem, headers);
  if (status === 409) return new ConflictError('conflict', status, problem, headers);
  if (status === 429) return new RateLimitError('rate_limit', status, problem, headers);
  return new ApiError('api', status, problem, headers);
}
