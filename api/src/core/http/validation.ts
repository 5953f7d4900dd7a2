import { unprocessable, type FieldError } from './errors.js';

/**
 * Set of key-value pairs you can attach to an object, as in Stripe: up to 50 keys, keys up to 40
 * characters, values up to 500 characters.
 * @example { "crm_id": "A-1042" }
 */
export type Metadata = Record<string, string>;

export function checkMetadata(metadata: Metadata | undefined, errors: FieldError[] = []): FieldError[] {
  if (!metadata) return errors;
  const entries = Object.entries(metadata);
  if (entries.length > 50) errors.push({ path: 'metadata', message: 'at most 50 keys are allowed' });
  for (const [k, v] of entries) {
    if (k.length === 0 || k.length > 40) errors.push({ path: `metadata.${k}`, message: 'keys must be 1 to 40 characters' });
    if (typeof v !== 'string') errors.push({ path: `metadata.${k}`, message: 'values must be strings' });
    else if (v.length > 500) errors.push({ path: `metadata.${k}`, message: 'values must be at most 500 characters' });
  }
  return errors;
}

export function assertValid(errors: FieldError[]): void {
  if (errors.length) {
    throw unprocessable('validation_failed', `The request has invalid fields: ${errors.map((e) => `${e.path} (${e.message})`).join('; ')}.`, errors);
  }
}

/** Merges a metadata patch: a key set to "" is removed, as in Stripe. */
export function mergeMetadata(current: Metadata, patch: Metadata | undefined): Metadata {
  if (!patch) return current;
  const next = { ...current };
  for (const [k, v] of Object.entries(patch)) {
    if (v === '') delete next[k];
    else next[k] = v;
  }
  return next;
}
