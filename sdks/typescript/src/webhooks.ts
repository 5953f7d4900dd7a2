import { Webhook } from 'standardwebhooks';
import type { PlinthEvent } from './generated/types.gen.js';

export class WebhookVerificationError extends Error {
  override name = 'WebhookVerificationError';
}

type HeaderBag = Headers | Record<string, string | string[] | undefined>;

function header(headers: HeaderBag, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const value = record[name] ?? record[Object.keys(record).find((k) => k.toLowerCase() === name) ?? ''];
  return Array.isArray(value) ? value[0] : value;
}

function timingSafeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * Verifies a webhook Plinth sent (Standard Webhooks: `webhook-id`, `webhook-timestamp`,
 * `webhook-signature`) and returns the typed event. Pass the raw body exactly as received. Throws
 * `WebhookVerificationError` for a bad signature or a timestamp more than `toleranceSeconds` away.
 * The signature is computed by the `standardwebhooks` library (plain JavaScript), so it works in
 * Node, Deno, Bun, workers and browsers.
 */
export async function verifyWebhook(payload: string | Uint8Array, headers: HeaderBag, secret: string, toleranceSeconds = 300): Promise<PlinthEvent> {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures) throw new WebhookVerificationError('Missing webhook-id, webhook-timestamp or webhook-signature header.');
  const sentAt = Number(timestamp);
  if (!Number.isInteger(sentAt)) throw new WebhookVerificationError('Invalid webhook-timestamp header.');
  if (Math.abs(Date.now() / 1000 - sentAt) > toleranceSeconds) throw new WebhookVerificationError('The webhook timestamp is too old or in the future.');
  const body = typeof payload === 'string' ? payload : new TextDecoder().decode(payload);
  // Not Webhook#verify: its timestamp tolerance is fixed at 5 minutes, and `toleranceSeconds` is ours.
  const expected = new Webhook(secret).sign(id, new Date(sentAt * 1000), body);
  // One `v1,<signature>` per secret in use: a rotation sends the new and the previous one.
  const ok = signatures.split(' ').some((signature) => timingSafeEqual(signature, expected));
  if (!ok) throw new WebhookVerificationError('No signature matches: check the endpoint secret and that the body was not modified.');
  return JSON.parse(body) as PlinthEvent;
}
