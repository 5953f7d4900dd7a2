import { ApiError } from '../http/errors.js';

/** Seconds a client is asked to wait while the database is unreachable. */
export const DATABASE_RETRY_AFTER_SECONDS = 2;

export const databaseUnavailable = () =>
  new ApiError(503, 'database_unavailable', 'Service Unavailable', 'The database is unreachable right now; retry shortly (see Retry-After).', {
    headers: { 'Retry-After': String(DATABASE_RETRY_AFTER_SECONDS) },
  });

/** Node's codes for a connection that could not be made or was lost. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/** pg's own messages for a connection lost or never made (they carry no code). */
const LOST = /^(Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect|Connection timed out)/;

/**
 * SQLSTATEs: class 08 is a connection exception; 57P01-57P03 a server shutting down, crashed or
 * starting; 53300 too many connections. Class 22 (data exception), 54000 (a value over a program limit,
 * such as an index row) and 08P01 (the protocol refused a value) are the client's input.
 */
function kind(code: string | undefined, message: string): 'unavailable' | 'invalid_input' | undefined {
  if (code === '08P01' || code === '54000' || code?.startsWith('22')) return 'invalid_input';
  if (code && (NETWORK_CODES.has(code) || code.startsWith('08') || /^57P0[123]$/.test(code) || code === '53300')) return 'unavailable';
  if (LOST.test(message)) return 'unavailable';
  return undefined;
}

/**
 * Classifies an error thrown by pg, MikroORM (which copies pg's fields onto its own exceptions) or
 * pg-boss: the database being unreachable is a 503 the client can retry, input PostgreSQL refuses is
 * a 400, anything else is not a database failure this knows about.
 */
export function databaseFailure(err: unknown): ApiError | undefined {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message, errors } = e as { code?: unknown; message?: unknown; errors?: unknown };
    const found = kind(typeof code === 'string' ? code : undefined, typeof message === 'string' ? message : '');
    if (found === 'unavailable') return databaseUnavailable();
    if (found === 'invalid_input') {
      return new ApiError(400, 'invalid_input', 'Bad Request', 'A value in the request cannot be stored (it is malformed or too large for its field).');
    }
    // Node reports a refused dual-stack connect as an AggregateError of one error per address.
    if (Array.isArray(errors) && errors.some((inner) => databaseFailure(inner)?.status === 503)) return databaseUnavailable();
  }
  return undefined;
}
