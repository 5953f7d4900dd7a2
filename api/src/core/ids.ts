import { monotonicFactory } from 'ulid';
import { pooledRandom } from './random.js';

const next = monotonicFactory(pooledRandom);

/**
 * The id kinds the compiler knows. The kernel's are below; each module adds its own from its
 * manifest (`declare module '../../core/ids.js' { interface IdKinds extends IdKindsOf<typeof ids> {} }`).
 */
export interface IdKinds {
  tenant: true;
  event: true;
  auditLog: true;
}

export type IdKind = keyof IdKinds & string;
export type IdKindsOf<T> = { [K in keyof T]: true };

/** The prefix names the type, as in Stripe: `cus_01J...`. ULIDs sort by creation time. */
const prefixes = new Map<string, { prefix: string; pattern: RegExp }>();

/** Installed once from the module registry (see core/module.ts), which checks that prefixes are unique. */
export function installIdPrefixes(table: Record<string, string>): void {
  for (const [kind, prefix] of Object.entries(table)) prefixes.set(kind, { prefix, pattern: new RegExp(`^${prefix}_[0-9A-HJKMNP-TV-Z]{26}$`) });
}

function kindOf(kind: string) {
  const entry = prefixes.get(kind);
  if (!entry) throw new Error(`id kind '${kind}' is not declared by any module in the registry`);
  return entry;
}

export function newId(kind: IdKind): string {
  return `${kindOf(kind).prefix}_${next()}`;
}

/** True when `id` looks like an id of `kind`; used to answer 404 early for a foreign-looking id. */
export function isId(kind: IdKind, id: string): boolean {
  return kindOf(kind).pattern.test(id);
}
