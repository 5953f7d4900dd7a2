import type { Plinth, PlinthEvent } from '@plinth/sdk';

/**
 * How far back each poll looks again. `GET /v1/events` pages from the newest event backwards, and an
 * event's id and `created_at` are set when its transaction writes it, not when it commits: a slow
 * transaction can make an event visible after newer ones. Re-reading a window and remembering what
 * was already seen catches those without repeating any.
 */
const LOOKBACK_MS = 30_000;
const PAGE = 100;

/**
 * The tenant's new events, in order, from "now" on: `start()` marks what exists as seen, then each
 * `poll()` returns the events that appeared since, oldest first, each exactly once.
 */
export class EventFeed {
  /** Seen event ids and their `created_at`, for the window a poll re-reads. */
  private readonly seen = new Map<string, number>();
  /** The newest `created_at` seen: the window ends here. */
  private newest: number | null = null;

  constructor(
    private readonly plinth: Plinth,
    /** Passed to the server as `type` when it can filter (`customer.created` or `customer.*`). */
    private readonly type?: string,
  ) {}

  /** Marks the current events as seen (returns how many the window held). */
  async start(): Promise<number> {
    const [latest] = (await this.plinth.events.list(this.query({ limit: 1 }))).data;
    if (!latest) return 0;
    this.newest = Date.parse(latest.created_at);
    return (await this.poll()).length;
  }

  /** The events that appeared since the last call, oldest first. */
  async poll(): Promise<PlinthEvent[]> {
    const query = this.query({ limit: PAGE, ...(this.newest !== null ? { created_gte: new Date(this.newest - LOOKBACK_MS).toISOString() } : {}) });
    const fresh: PlinthEvent[] = [];
    // Read every page before remembering any: a page that fails must not leave its events half-seen.
    for await (const event of this.plinth.events.list(query)) if (!this.seen.has(event.id)) fresh.push(event);
    for (const event of fresh) {
      const at = Date.parse(event.created_at);
      this.seen.set(event.id, at);
      if (this.newest === null || at > this.newest) this.newest = at;
    }
    // Ids outside the next window can never come back.
    if (this.newest !== null) {
      const floor = this.newest - LOOKBACK_MS;
      for (const [id, at] of this.seen) if (at < floor) this.seen.delete(id);
    }
    // Ids are time-sorted (ULIDs), so this is the order the events happened in.
    return fresh.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  private query<Q extends object>(query: Q): Q & { type?: string } {
    return this.type ? { ...query, type: this.type } : query;
  }
}
