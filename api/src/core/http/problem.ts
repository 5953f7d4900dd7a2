import { STATUS_CODES } from 'node:http';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ValidateError } from '@tsoa/runtime';
import { ApiError, type FieldError } from './errors.js';
import { databaseFailure } from '../db/failures.js';
import { excerpt } from './input.js';

/** RFC 9457 problem details, as every error response carries them. */
export interface Problem {
  /**
   * A URI naming the problem type: the developer portal's page for `code`, which says what it means
   * and what to do (`<PUBLIC_URL>/portal/errors/<code>`; relative to the server when PUBLIC_URL is unset).
   * @example "https://api.example.com/portal/errors/resource_missing"
   */
  type: string;
  /** @example "Not Found" */
  title: string;
  /** @example 404 */
  status: number;
  /** What went wrong, for a person. @example "No customer with id 'cus_01JD...' exists." */
  detail: string;
  /** A stable machine-readable code. @example "resource_missing" */
  code: string;
  /** The `Request-Id` of the request, for support. @example "req_01JDA4Y7Q5X3M8N2P6R9T0V1W2" */
  request_id: string;
  /** For validation errors: the offending fields (the first 100). */
  errors?: FieldError[];
  /** How many more offending fields there were beyond those listed in `errors`. @example 12 */
  errors_omitted?: number;
}

/** Fields listed in one problem; the rest are counted in `errors_omitted`. */
export const MAX_LISTED_ERRORS = 100;

/**
 * Where problem types are documented: the developer portal has a page per code (developer-portal/
 * errors.json), served at /portal/errors/<code>. This relative reference is a valid `type` (RFC 9457
 * §3.1.1, resolved against the request's URL); with PUBLIC_URL, `problemType` makes it absolute.
 */
export const PROBLEM_TYPE_BASE = '/portal/errors/';

export function problemType(code: string, publicUrl?: string): string {
  return `${publicUrl?.replace(/\/+$/, '') ?? ''}${PROBLEM_TYPE_BASE}${code}`;
}

export function problemBody(err: ApiError, requestId: string, publicUrl?: string): Problem {
  const errors = err.extra.errors;
  return {
    type: problemType(err.code, publicUrl),
    title: err.title,
    status: err.status,
    detail: err.message,
    code: err.code,
    request_id: requestId,
    ...(errors ? { errors: errors.slice(0, MAX_LISTED_ERRORS) } : {}),
    ...(errors && errors.length > MAX_LISTED_ERRORS ? { errors_omitted: errors.length - MAX_LISTED_ERRORS } : {}),
  };
}

/** tsoa reports `body.metadata.x` or `requestBody.x`; the client knows its own body as `x`. */
function fieldPath(path: string): string {
  return path.replace(/^(requestBody|body)\.?/, '').replace(/^\$?\.?/, '') || '(body)';
}

/**
 * Messages quote the client's own field names (an excess property's name, say): each is cut to an
 * excerpt, and the detail names only the first few, so a hostile body cannot make the answer large.
 */
function fromValidation(err: ValidateError): ApiError {
  const errors: FieldError[] = Object.entries(err.fields).map(([path, f]) => ({
    path: excerpt(fieldPath(path), 100),
    message: String(f.message).startsWith('Not match in') ? 'does not have the expected format' : excerpt(String(f.message), 200),
  }));
  const named = errors.slice(0, 5).map((e) => `${e.path} (${e.message})`);
  const more = errors.length > named.length ? `; and ${errors.length - named.length} more` : '';
  const detail = `The request has ${errors.length} invalid field${errors.length === 1 ? '' : 's'}: ${named.join('; ')}${more}.`;
  return new ApiError(422, 'validation_failed', 'Unprocessable Content', detail, { errors });
}

/** body-parser and friends mark their errors with `type`/`status`; map the ones a client can cause. */
/**
 * Errors of Express and its middleware (http-errors: `status` plus `expose` for client errors), such as
 * a static file's malformed path: their status stands, their message is quoted only as an excerpt.
 */
function fromHttpError(err: { status?: unknown; expose?: unknown; message?: unknown }): ApiError | undefined {
  const status = Number(err.status);
  if (err.expose !== true || !Number.isInteger(status) || status < 400 || status > 499) return undefined;
  return new ApiError(status, 'invalid_request', STATUS_CODES[status] ?? 'Bad Request', excerpt(String(err.message ?? 'The request is invalid.'), 200));
}

export function toApiError(err: unknown): ApiError | undefined {
  if (err instanceof ApiError) return err;
  if (err instanceof ValidateError) return fromValidation(err);
  if (!err || typeof err !== 'object') return undefined;
  return fromHttpError(err) ?? databaseFailure(err);
}

/** The one error handler: every error becomes problem+json, its `type` under `publicUrl` (PUBLIC_URL) when set. */
export const problemHandler =
  (publicUrl?: string): ErrorRequestHandler =>
  (err, req, res, _next) => {
    let apiError = toApiError(err);
    if (apiError && apiError.status >= 500) req.log.warn({ code: apiError.code, err: String(err) }, apiError.message);
    else if (apiError?.code === 'invalid_input') req.log.warn({ err: String(err) }, 'the database refused a value that passed validation');
    if (!apiError) {
      req.log.error({ err }, 'unhandled error');
      apiError = new ApiError(500, 'internal_error', 'Internal Server Error', 'Something went wrong on our side. Quote the request id to support.');
    }
    if (res.headersSent) return;
    for (const [name, value] of Object.entries(apiError.extra.headers ?? {})) res.setHeader(name, value);
    res
      .status(apiError.status)
      .type('application/problem+json')
      .send(JSON.stringify(problemBody(apiError, req.id, publicUrl)));
  };

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new ApiError(404, 'route_not_found', 'Not Found', `No route ${req.method} ${req.path}. See /docs for the API reference.`));
};

/**
 * JSON only: a body of any other media type is a 415, not a confusing validation error. The only
 * exceptions are the POST routes modules declare with the media types they take (the SAML ACS).
 */
export const requireJson =
  (exceptions: { pattern: RegExp; types: string[] }[]): RequestHandler =>
  (req, _res, next) => {
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    const excepted = req.method === 'POST' && exceptions.some((e) => e.pattern.test(req.path) && req.is(e.types));
    if (hasBody && !excepted && !req.is('application/json') && !req.is('application/*+json')) {
      return next(
        new ApiError(
          415,
          'unsupported_media_type',
          'Unsupported Media Type',
          `Send the body as application/json (got ${req.headers['content-type'] ?? 'no Content-Type'}).`,
        ),
      );
    }
    next();
  };
