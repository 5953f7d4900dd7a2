import { badRequest } from './errors.js';

/** A page of objects: `{ object: "list", data, has_more, next_cursor }`. */
export interface List<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  /** Pass as `starting_after` to get the next page; null on the last page. */
  next_cursor: string | null;
}

export interface PageParams {
  limit: number;
  startingAfter?: string;
}

/** Validates `limit` (1-100, default 20) and `starting_after`. */
export function pageParams(limit: number | undefined, startingAfter: string | undefined): PageParams {
  const l = limit ?? 20;
  if (!Number.isInteger(l) || l < 1 || l > 100) throw badRequest('invalid_limit', 'limit must be an integer from 1 to 100.');
  if (startingAfter !== undefined && !/^[a-z]+_[0-9A-Z]{26}$/.test(startingAfter)) {
    throw badRequest('invalid_cursor', 'starting_after must be the id of an object from a previous page.');
  }
  return { limit: l, startingAfter };
}

/**
 * Keyset pagination, newest first: ids are time-ordered, so `id < cursor` ordered by id desc walks
 * every object exactly once. The caller fetched `limit + 1` rows to learn whether more exist.
 */
export function toList<E extends { id: string }, T>(rows: E[], params: PageParams, present: (row: E) => T): List<T> {
  const hasMore = rows.length > params.limit;
  const page = hasMore ? rows.slice(0, params.limit) : rows;
  return {
    object: 'list',
    data: page.map(present),
    has_more: hasMore,
    next_cursor: hasMore ? page[page.length - 1].id : null,
  };
}

export function keysetWhere(params: PageParams): { id?: { $lt: string } } {
  return params.startingAfter ? { id: { $lt: params.startingAfter } } : {};
}
