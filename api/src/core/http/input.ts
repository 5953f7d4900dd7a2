import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import getRawBody from 'raw-body';
import { ApiError, type FieldError } from './errors.js';

/**
 * Input hygiene at the edge, once, before any handler runs: bytes that no field of the contract can
 * hold (malformed percent-encoding, NUL, lone UTF-16 surrogates) and JSON shaped to make parsing or
 * validation explode (deep nesting, huge objects) are refused with a 400 here, so that nothing
 * downstream (the validator, the idempotency hash, PostgreSQL) ever meets them.
 */

/** Nesting deeper than this is refused before parsing (recursive code downstream stays bounded). */
export const MAX_JSON_DEPTH = 64;
/** Keys in one JSON object (the largest object in the contract, metadata, has 50). */
export const MAX_JSON_KEYS = 1000;
/** How much of a client's input a message may quote back. */
export const EXCERPT_LENGTH = 120;

export const invalidEncoding = (detail: string, errors?: FieldError[]) =>
  new ApiError(400, 'invalid_encoding', 'Bad Request', detail, errors ? { errors } : {});

/** A short, printable excerpt of client input for a message: never the whole of it. */
export function excerpt(value: string, max = EXCERPT_LENGTH): string {
  const printable = value.replace(/\p{Cc}/gu, '?');
  return printable.length > max ? `${printable.slice(0, max)}…` : printable;
}

/** A string PostgreSQL can store and every client can decode: no NUL, no lone surrogate. */
export function isCleanString(value: string): boolean {
  return !value.includes('\u0000') && value.isWellFormed();
}

function decodeComponent(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

/**
 * The path and every query parameter must be valid percent-encoded UTF-8 without NUL. (A percent-encoded
 * surrogate is invalid UTF-8, so decodeURIComponent already refuses it.)
 */
export const checkUrlEncoding: RequestHandler = (req, _res, next) => {
  const url = req.originalUrl ?? req.url;
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const decodedPath = decodeComponent(path);
  if (decodedPath === undefined || decodedPath.includes('\u0000')) {
    return next(invalidEncoding('The URL path is not valid percent-encoded UTF-8, or contains a NUL byte. Encode each path segment with encodeURIComponent.'));
  }
  if (q >= 0) {
    for (const pair of url.slice(q + 1).split('&')) {
      for (const part of pair.split('=')) {
        const decoded = decodeComponent(part.replace(/\+/g, ' '));
        if (decoded === undefined || decoded.includes('\u0000')) {
          const name = decodeComponent(pair.split('=')[0]!.replace(/\+/g, ' '));
          const field = name && isCleanString(name) ? ` (parameter '${excerpt(name, 40)}')` : '';
          return next(
            invalidEncoding(`The query string is not valid percent-encoded UTF-8, or contains a NUL byte${field}. Encode each value with encodeURIComponent.`),
          );
        }
      }
    }
  }
  next();
};

/** The first key path of a parsed JSON value that holds a NUL or a lone surrogate (in a key or a string). */
function findUncleanString(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return isCleanString(value) ? undefined : path || '(body)';
  if (value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUncleanString(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    const here = path ? `${path}.${key}` : key;
    if (!isCleanString(key)) return path ? `${path} (a key)` : '(a key of the body)';
    const found = findUncleanString(item, here);
    if (found) return found;
  }
  return undefined;
}

/**
 * One pass over the raw bytes, before JSON.parse: the nesting depth and the keys of each object
 * (a `:` outside a string at object level is one key). Byte values below 0x80 never occur inside
 * a multi-byte UTF-8 sequence, so scanning bytes is exact.
 */
function checkJsonShape(buf: Buffer): ApiError | undefined {
  const keys: number[] = [];
  const isObject: boolean[] = [];
  let inString = false;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i]!;
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    switch (c) {
      case 0x22: // "
        inString = true;
        break;
      case 0x7b: // {
      case 0x5b: // [
        if (keys.length >= MAX_JSON_DEPTH) {
          return new ApiError(400, 'json_too_deep', 'Bad Request', `The JSON body nests deeper than ${MAX_JSON_DEPTH} levels.`);
        }
        keys.push(0);
        isObject.push(c === 0x7b);
        break;
      case 0x7d: // }
      case 0x5d: // ]
        keys.pop();
        isObject.pop();
        break;
      case 0x3a: // :
        if (isObject[isObject.length - 1] && ++keys[keys.length - 1]! > MAX_JSON_KEYS) {
          return new ApiError(400, 'json_too_many_keys', 'Bad Request', `A JSON object in the body has more than ${MAX_JSON_KEYS} keys.`);
        }
        break;
    }
  }
  return undefined;
}

function hasBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

const tooLarge = (limit: number) =>
  new ApiError(413, 'body_too_large', 'Content Too Large', `The request body exceeds the ${limit} byte limit.`, { headers: { Connection: 'close' } });

/**
 * Reads the body up to `limit` bytes. A declared `Content-Length` over the limit is refused before a
 * byte is read, and a chunked body is cut as soon as it passes the limit; either way the connection
 * is closed after the 413 (`Connection: close`), so the rest is never read.
 */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding !== 'identity') {
    throw new ApiError(
      415,
      'unsupported_media_type',
      'Unsupported Media Type',
      `Send the body uncompressed (Content-Encoding ${excerpt(encoding, 20)} is not accepted).`,
    );
  }
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) throw tooLarge(limit);
  try {
    return await getRawBody(req, { limit, length: declared });
  } catch (err) {
    const type = (err as { type?: string }).type;
    if (type === 'entity.too.large') throw tooLarge(limit);
    if (type === 'request.size.invalid') throw new ApiError(400, 'malformed_body', 'Bad Request', 'The body is shorter or longer than its Content-Length.');
    if (type === 'request.aborted') throw new ApiError(400, 'request_aborted', 'Bad Request', 'The client closed the request before the body was complete.');
    throw err;
  }
}

function charsetOf(req: IncomingMessage): string | undefined {
  return /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.headers['content-type'] ?? '')?.[1]?.toLowerCase();
}

function decodeUtf8(buf: Buffer, req: IncomingMessage): string {
  const charset = charsetOf(req);
  if (charset && charset !== 'utf-8' && charset !== 'utf8') {
    throw new ApiError(415, 'unsupported_media_type', 'Unsupported Media Type', 'Send the body as UTF-8 (charset=utf-8).');
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    throw invalidEncoding('The body is not valid UTF-8.');
  }
}

/** JSON request bodies of the given media types: bounded size, depth and width; clean strings only. */
export function jsonBody(options: { limit: number; types?: string[] }): RequestHandler {
  const types = options.types ?? ['application/json', 'application/*+json'];
  return async (req, _res, next) => {
    if (!hasBody(req) || !req.is(types)) return next();
    try {
      const buf = await readBody(req, options.limit);
      if (buf.length === 0) {
        req.body = {};
        return next();
      }
      const text = decodeUtf8(buf, req);
      const first = /^[\s]*(.)/.exec(text)?.[1];
      if (first !== '{' && first !== '[') throw new ApiError(400, 'malformed_json', 'Bad Request', 'The request body is not a JSON object or array.');
      const shape = checkJsonShape(buf);
      if (shape) throw shape;
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw new ApiError(400, 'malformed_json', 'Bad Request', 'The request body is not valid JSON.');
      }
      const field = findUncleanString(body, '');
      if (field) {
        throw invalidEncoding(`The field ${excerpt(field, 200)} holds a NUL character or an unpaired UTF-16 surrogate, which no field accepts.`, [
          { path: excerpt(field, 200), message: 'contains a NUL character or an unpaired surrogate' },
        ]);
      }
      req.body = body;
      next();
    } catch (err) {
      next(err);
    }
  };
}

/** `application/x-www-form-urlencoded` bodies (the SAML HTTP-POST binding), bounded like JSON ones. */
export function formBody(options: { limit: number; parameterLimit: number }): RequestHandler {
  return async (req, _res, next) => {
    if (!hasBody(req) || !req.is('application/x-www-form-urlencoded')) return next();
    try {
      const text = decodeUtf8(await readBody(req, options.limit), req);
      const fields: [string, string][] = [];
      let count = 0;
      for (const pair of text.split('&')) {
        if (!pair) continue;
        if (++count > options.parameterLimit)
          throw new ApiError(413, 'too_many_parameters', 'Content Too Large', `The form has more than ${options.parameterLimit} fields.`);
        const eq = pair.indexOf('=');
        const [name, value] = [eq < 0 ? pair : pair.slice(0, eq), eq < 0 ? '' : pair.slice(eq + 1)].map((s) => decodeComponent(s.replace(/\+/g, ' ')));
        if (name === undefined || value === undefined || !isCleanString(name) || !isCleanString(value)) {
          throw invalidEncoding('The form body is not valid percent-encoded UTF-8, or contains a NUL byte.');
        }
        fields.push([name, value]);
      }
      // fromEntries defines own properties: a field named __proto__ cannot reach the prototype.
      req.body = Object.fromEntries(fields);
      next();
    } catch (err) {
      next(err);
    }
  };
}
