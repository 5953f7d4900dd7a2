/**
 * Event type patterns as `--events` takes them: comma-separated globs where `*` matches any run of
 * characters (`customer.*`, `*.deleted`, `*`).
 */
export class EventPatterns {
  readonly patterns: string[];
  private readonly regexes: RegExp[];

  constructor(list: string | undefined) {
    this.patterns = (list ?? '*')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    if (!this.patterns.length) this.patterns.push('*');
    this.regexes = this.patterns.map((p) => new RegExp(`^${p.split('*').map(escapeRegExp).join('.*')}$`));
  }

  matches(type: string): boolean {
    return this.regexes.some((r) => r.test(type));
  }

  /** The server's `type` filter, when one pattern says it all (an exact type or `prefix.*`). */
  serverFilter(): string | undefined {
    if (this.patterns.length !== 1) return undefined;
    const [only] = this.patterns;
    if (only === '*') return undefined;
    const star = only!.indexOf('*');
    return star === -1 || (star === only!.length - 1 && only!.endsWith('.*')) ? only : undefined;
  }

  /** The patterns no known type matches (probably typos). */
  unmatched(types: string[]): string[] {
    return this.patterns.filter((p, i) => !types.some((t) => this.regexes[i]!.test(t)));
  }

  toString(): string {
    return this.patterns.join(', ');
  }
}

const escapeRegExp = (s: string) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
