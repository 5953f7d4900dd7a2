import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ValidateError } from '@tsoa/runtime';
import { ApiError, type FieldError } from './errors.js';

/** RFC 9457 problem details, as every error response carries them. */
export interface Problem {
  /** A URI naming the problem type. @example "https://docs.plinth.dev/errors/resource_missing" */
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
  /** For validation errors: every offending field. */
  errors?: FieldError[];
}

export const PROBLEM_TYPE_BASE = 'https://docs.plinth.dev/errors/';

export function problemBody(err: ApiError, requestId: string): Problem {
  return {
    type: PROBLEM_TYPE_BASE + err.code,
    title: err.title,
    status: err.status,
    detail: err.message,
    code: err.code,
    request_id: requestId,
    ...(err.extra.errors ? { errors: err.extra.errors } : {}),
  };
}

/** tsoa reports `body.metadata.x` or `requestBody.x`; the client knows its own body as `x`. */
function fieldPath(path: string): string {
  return path.replace(/^(requestBody|body)\.?/, '').replace(/^\$?\.?/, '') || '(body)';
}

function fromValidation(err: ValidateError): ApiError {
  const errors: FieldError[] = Object.entries(err.fields).map(([path, f]) => ({
    path: fieldPath(path),
    message: String(f.message).startsWith('Not match in') ? 'does not have the expected format' : String(f.message),
  }));
  const detail = `The request has ${errors.length} invalid field${errors.length === 1 ? '' : 's'}: ${errors
    .map((e) => `${e.path} (${e.message})`)
    .join('; ')}.`;
  return new ApiError(422, 'validation_failed', 'Unprocessable Content', detail, { errors });
}

/** body-parser and friends mark their errors with `type`/`status`; map the ones a client can cause. */
function fromHttpError(err: { type?: string; status?: number; limit?: number }): ApiError | undefined {
  switch (err.type) {
    case 'entity.parse.failed':
      return new ApiError(400, 'malformed_json', 'Bad Request', 'The request body is not valid JSON.');
    case 'entity.too.large':
      return new ApiError(413, 'body_too_large', 'Content Too Large', `The request body exceeds the ${err.limit} byte limit.`);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new ApiError(415, 'unsupported_media_type', 'Unsupported Media Type', 'Send the body as UTF-8 application/json.');
    default:
      return undefined;
  }
}

export function toApiError(err: unknown): ApiError | undefined {
  if (err instanceof ApiError) return err;
  if (err instanceof ValidateError) return fromValidation(err);
  if (err && typeof err === 'object' && 'type' in err) return fromHttpError(err as { type?: string });
  return undefined;
}

export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  let apiError = toApiError(err);
  if (!apiError) {
    req.log.error({ err }, 'unhandled error');
    apiError = new ApiError(500, 'internal_error', 'Internal Server Error', 'Something went wrong on our side. Quote the request id to support.');
  }
  if (res.headersSent) return;
  for (const [name, value] of Object.entries(apiError.extra.headers ?? {})) res.setHeader(name, value);
  res
    .status(apiError.status)
    .type('application/problem+json')
    .send(JSON.stringify(problemBody(apiError, req.id)));
};

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new ApiError(404, 'route_not_found', 'Not Found', `No route ${req.method} ${req.path}. See /docs for the API reference.`));
};

/** The only routes that take a form body: the SAML ACS, where identity providers post (HTTP-POST binding). */
export const FORM_ROUTES = [/^\/v1\/sso\/saml\/[^/]+\/acs$/];

/** JSON only: a body of any other media type is a 415, not a confusing validation error. */
export const requireJson: RequestHandler = (req, _res, next) => {
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  const formPost = req.method === 'POST' && FORM_ROUTES.some((r) => r.test(req.path)) && req.is('application/x-www-form-urlencoded');
  if (hasBody && !formPost && !req.is('application/json') && !req.is('application/*+json')) {
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
