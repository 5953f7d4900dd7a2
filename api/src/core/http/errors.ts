/**
 * Typed domain errors. The one error handler (problem.ts) turns each into RFC 9457 problem+json;
 * services throw these and never build HTTP responses themselves.
 */
export interface FieldError {
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    detail: string,
    readonly extra: { errors?: FieldError[]; headers?: Record<string, string> } = {},
  ) {
    // An expected outcome, never logged with a stack: skip capturing one (tsoa's authentication tries
    // every security scheme of an operation, so some of these are built on every request).
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(detail);
    Error.stackTraceLimit = limit;
  }
}

export const badRequest = (code: string, detail: string) => new ApiError(400, code, 'Bad Request', detail);
export const unauthorized = (detail: string, code = 'unauthenticated') => new ApiError(401, code, 'Unauthorized', detail);
export const forbidden = (detail: string, code = 'forbidden') => new ApiError(403, code, 'Forbidden', detail);
export const notFound = (what: string, id?: string) =>
  new ApiError(404, 'resource_missing', 'Not Found', id ? `No ${what} with id '${id}' exists.` : `No such ${what}.`);
export const conflict = (code: string, detail: string) => new ApiError(409, code, 'Conflict', detail);
export const gone = (code: string, detail: string) => new ApiError(410, code, 'Gone', detail);
export const unprocessable = (code: string, detail: string, errors?: FieldError[]) => new ApiError(422, code, 'Unprocessable Content', detail, { errors });
export const tooManyRequests = (detail: string, retryAfterSeconds: number) =>
  new ApiError(429, 'rate_limited', 'Too Many Requests', detail, {
    headers: { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) },
  });
