import { Webhook } from 'standardwebhooks';

/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com), by the `standardwebhooks` library:
 * HMAC-SHA256 over `${id}.${timestamp}.${body}` keyed with the base64 part of the `whsec_` secret.
 * With several secrets (during a rotation) the header carries one `v1,<sig>` per secret, separated by
 * spaces.
 */
export function signatureHeader(secrets: string[], id: string, timestamp: number, body: string): string {
  const sentAt = new Date(timestamp * 1000);
  return secrets.map((secret) => new Webhook(secret).sign(id, sentAt, body)).join(' ');
}
