/**
 * An endpoint filter is `*`, an exact event type, or a prefix wildcard (`customer.*`, `audit.*`) that
 * matches at least one type. Returns why a filter is invalid, or undefined.
 */
export function invalidFilterReason(filter: string, types: readonly string[]): string | undefined {
  if (filter === '*') return undefined;
  if (filter.endsWith('.*')) {
    const prefix = filter.slice(0, -1);
    return types.some((t) => t.startsWith(prefix)) ? undefined : `no event type starts with '${prefix}'`;
  }
  return types.includes(filter) ? undefined : 'is not an event type (see GET /v1/event-types)';
}

export function matchesFilter(filters: readonly string[], type: string): boolean {
  return filters.some((f) => f === '*' || f === type || (f.endsWith('.*') && type.startsWith(f.slice(0, -1))));
}

/** The exact types a filter list selects (for Svix, whose filters are exact types); undefined means all. */
export function expandFilters(filters: readonly string[], types: readonly string[]): string[] | undefined {
  if (filters.includes('*')) return undefined;
  return types.filter((t) => matchesFilter(filters, t));
}
