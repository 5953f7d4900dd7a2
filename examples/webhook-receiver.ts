// A webhook receiver: an HTTP server that verifies every delivery with Plinth.webhooks.verify and
// prints the event. It registers itself as a webhook endpoint for customer.* (and removes it on exit).
// A receiver on localhost needs the development setting WEBHOOK_ALLOW_PRIVATE_NETWORKS=true on the
// Plinth it talks to: start Plinth with `WEBHOOK_ALLOW_PRIVATE_NETWORKS=true npm start` (or use
// `plinth listen`, which needs no setting). With PLINTH_API_KEY set to a key with webhooks:write and
// customers:write, from the repository root (--once creates a customer, waits for its event, exits):
// Run: npm run webhook-receiver -w @plinth/examples -- --once
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Plinth, WebhookVerificationError } from '@plinth/sdk';

const baseUrl = process.env.PLINTH_URL ?? 'http://localhost:3000';
const apiKey = process.env.PLINTH_API_KEY;
const once = process.argv.includes('--once');

async function main(): Promise<void> {
  if (!apiKey) throw new Error('Set PLINTH_API_KEY to a key with webhooks:write (and customers:write for --once).');
  const plinth = new Plinth({ baseUrl, apiKey });
  let secret = '';
  let done: (type: string) => void = () => {};
  const firstEvent = new Promise<string>((resolve) => (done = resolve));

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      try {
        const event = await Plinth.webhooks.verify(body, req.headers as Record<string, string>, secret);
        console.log(`verified ${event.type} ${event.id}`, event.type.startsWith('customer.') ? JSON.stringify(event.data.object) : '');
        res.writeHead(204).end();
        done(event.type);
      } catch (err) {
        // Answer 400 to anything unsigned or forged: Plinth retries, an attacker learns nothing.
        console.error(err instanceof WebhookVerificationError ? `rejected: ${err.message}` : err);
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;

  const endpoint = await plinth.webhookEndpoints.create({ url, event_types: ['customer.*'], description: 'examples/webhook-receiver' });
  secret = endpoint.secret;
  console.log(`listening on ${url} as endpoint ${endpoint.id}`);
  const stop = async () => {
    await plinth.webhookEndpoints.delete(endpoint.id).catch(() => {});
    server.close();
  };
  process.on('SIGINT', () => void stop().then(() => process.exit(0)));

  if (once) {
    const customer = await plinth.customers.create({ name: 'Webhook example' });
    const timeout = setTimeout(() => {
      console.error('no event within 20 s');
      process.exit(1);
    }, 20_000);
    const type = await firstEvent;
    clearTimeout(timeout);
    console.log(`received ${type} for ${customer.id}`);
    await stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
