/**
 * JSON with object keys sorted at every level: the same value always gives the same text (jsonb
 * reorders keys). Audit hash chains hash this form, so it must never change. It matches RFC 8785 (the
 * `canonicalize` library) on everything stored except objects with integer-like keys, which a tenant's
 * metadata may have: JavaScript puts those first, in numeric order, where RFC 8785 sorts them as text.
 * Chains already hashed that way must still verify, so the form stays ours (test/canonical-json.test.ts).
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

const SECRET_KEY = /secret|password|token|hash|signature|private_key/i;

/** Replaces the values of secret-looking keys, at any depth, before anything is written to the audit log. */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) && v !== null ? '[redacted]' : redact(v)]));
  }
  return value;
}
