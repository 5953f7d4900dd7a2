import { createHmac, randomBytes } from 'node:crypto';
import { Plinth, WebhookVerificationError } from '@plinth/sdk';
import { signatureHeader } from '../src/modules/webhooks/signing';

const newSecret = () => `whsec_${randomBytes(24).toString('base64')}`;
const body = JSON.stringify({ id: 'evt_1', object: 'event', type: 'customer.created', data: { object: { id: 'cus_1', name: 'Zoë 😀' } } });
const now = () => Math.floor(Date.now() / 1000);

function headersFor(secrets: string[], timestamp = now(), id = 'evt_1') {
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signatureHeader(secrets, id, timestamp, body) };
}

describe('webhook signatures (server signing, SDK verifying)', () => {
  it('keeps the Standard Webhooks wire format: v1,<base64 HMAC-SHA256 of id.timestamp.body> per secret', () => {
    const [current, previous] = [newSecret(), newSecret()];
    const hmac = (secret: string) =>
      createHmac('sha256', Buffer.from(secret.slice('whsec_'.length), 'base64'))
        .update(`evt_1.1700000000.${body}`)
        .digest('base64');
    expect(signatureHeader([current], 'evt_1', 1_700_000_000, body)).toBe(`v1,${hmac(current)}`);
    expect(signatureHeader([current, previous], 'evt_1', 1_700_000_000, body)).toBe(`v1,${hmac(current)} v1,${hmac(previous)}`);
  });

  it('verifies with either secret during a rotation, whatever shape the body and headers come in', async () => {
    const [current, previous] = [newSecret(), newSecret()];
    const headers = headersFor([current, previous]);
    for (const secret of [current, previous]) await expect(Plinth.webhooks.verify(body, headers, secret)).resolves.toMatchObject({ id: 'evt_1' });
    await expect(Plinth.webhooks.verify(new TextEncoder().encode(body), new Headers(headers), current)).resolves.toMatchObject({ type: 'customer.created' });
    const asNode = {
      'Webhook-Id': [headers['webhook-id']],
      'Webhook-Timestamp': headers['webhook-timestamp'],
      'Webhook-Signature': headers['webhook-signature'],
    };
    await expect(Plinth.webhooks.verify(body, asNode, current)).resolves.toMatchObject({ id: 'evt_1' });
  });

  it('refuses a changed body, another secret, missing or malformed headers and a stale timestamp', async () => {
    const secret = newSecret();
    const headers = headersFor([secret]);
    const refusals: [string | Uint8Array, Record<string, string>, string, RegExp][] = [
      [body.replace('cus_1', 'cus_2'), headers, secret, /No signature matches/],
      [body, headers, newSecret(), /No signature matches/],
      [body, { ...headers, 'webhook-signature': headers['webhook-signature'].replace('v1,', 'v2,') }, secret, /No signature matches/],
      [body, { 'webhook-id': 'evt_1', 'webhook-timestamp': headers['webhook-timestamp'] }, secret, /Missing webhook-id/],
      [body, { ...headers, 'webhook-timestamp': `${headers['webhook-timestamp']}.5` }, secret, /Invalid webhook-timestamp/],
      [body, headersFor([secret], now() - 3600), secret, /too old or in the future/],
      [body, headersFor([secret], now() + 3600), secret, /too old or in the future/],
    ];
    for (const [payload, given, key, message] of refusals) {
      const attempt = Plinth.webhooks.verify(payload, given, key);
      await expect(attempt).rejects.toBeInstanceOf(WebhookVerificationError);
      await expect(attempt).rejects.toThrow(message);
    }
  });

  it('honours a tolerance wider than the library’s five minutes', async () => {
    const secret = newSecret();
    const tenMinutesAgo = headersFor([secret], now() - 600);
    await expect(Plinth.webhooks.verify(body, tenMinutesAgo, secret)).rejects.toThrow(/too old/);
    await expect(Plinth.webhooks.verify(body, tenMinutesAgo, secret, 3600)).resolves.toMatchObject({ id: 'evt_1' });
  });
});
