/** Escapes `\`, `%` and `_`, so user text matches itself in LIKE / ILIKE. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * The condition for a name filter that is exact (`customer.created`) or a prefix wildcard
 * (`customer.*`), as events and audit actions are filtered.
 */
export function nameFilter(column: string, filter: string): { sql: string; value: string } {
  return filter.endsWith('.*') ? { sql: `${column} like ?`, value: `${escapeLike(filter.slice(0, -1))}%` } : { sql: `${column} = ?`, value: filter };
}
