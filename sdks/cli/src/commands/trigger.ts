import type { Plinth, PlinthEvent } from '@plinth/sdk';
import type { Command } from 'commander';
import { connect } from '../client.js';
import type { ConnectionOptions } from '../config.js';
import { CliError, isPlinthError, Output, sleep } from '../output.js';
import { action } from '../run.js';
import { randomSuffix, triggerCustomer } from '../sample-data.js';

interface TriggerOptions extends ConnectionOptions {
  json?: boolean;
}

/** Says what a fixture did: `created customer cus_...`. */
type Step = (what: string, object: string, id: string) => void;

interface Fixture {
  /** For --help. */
  does: string;
  /** Makes the API calls; returns the id of the object the event is about. */
  run(plinth: Plinth, step: Step): Promise<string>;
}

const SAMPLE_SCOPES = ['customers:read'];
const SAMPLE_ENDPOINT_URL = 'https://example.com/plinth-cli-trigger';

async function customer(plinth: Plinth, step: Step): Promise<string> {
  const c = await plinth.customers.create({ ...triggerCustomer(), metadata: { created_by: 'plinth trigger' } });
  step('created', 'customer', c.id);
  return c.id;
}

/** A key nobody holds the secret of: created with the least scope, and revoked before the command ends. */
async function apiKey(plinth: Plinth, step: Step): Promise<string> {
  const key = await plinth.apiKeys.create({ name: `plinth trigger ${randomSuffix(6)}`, scopes: SAMPLE_SCOPES });
  step('created', 'API key', key.id);
  return key.id;
}

async function revokeKey(plinth: Plinth, step: Step, id: string): Promise<void> {
  await plinth.apiKeys.revoke(id);
  step('revoked', 'API key', id);
}

async function role(plinth: Plinth, step: Step): Promise<string> {
  const suffix = randomSuffix(6);
  const r = await plinth.roles.create({ key: `sample_${suffix}`, name: `Sample role ${suffix}`, permissions: SAMPLE_SCOPES });
  step('created', 'role', r.id);
  return r.id;
}

async function invitation(plinth: Plinth, step: Step): Promise<string> {
  const i = await plinth.invitations.create({ email: `invitee+${randomSuffix()}@example.com`, role: 'viewer' });
  step('created', 'invitation', i.id);
  return i.id;
}

/** Disabled, so it receives nothing: a trigger must not start deliveries to a URL nobody reads. */
async function endpoint(plinth: Plinth, step: Step): Promise<string> {
  const e = await plinth.webhookEndpoints.create({
    url: SAMPLE_ENDPOINT_URL,
    event_types: ['customer.created'],
    enabled: false,
    description: 'Sample (plinth trigger)',
  });
  step('created', 'webhook endpoint', e.id);
  return e.id;
}

/** Each event type the CLI can cause, with the API calls that cause it. */
export const FIXTURES: Record<string, Fixture> = {
  'customer.created': { does: 'creates a customer', run: customer },
  'customer.updated': {
    does: 'creates a customer, then updates it',
    run: async (p, step) => {
      const id = await customer(p, step);
      await p.customers.update(id, { company: 'Updated Company Ltd', metadata: { plan: 'pro' } });
      step('updated', 'customer', id);
      return id;
    },
  },
  'customer.deleted': {
    does: 'creates a customer, then deletes it',
    run: async (p, step) => {
      const id = await customer(p, step);
      await p.customers.delete(id);
      step('deleted', 'customer', id);
      return id;
    },
  },
  'api_key.created': {
    does: 'creates an API key (customers:read), then revokes it',
    run: async (p, step) => {
      const id = await apiKey(p, step);
      await revokeKey(p, step, id);
      return id;
    },
  },
  'api_key.rolled': {
    does: 'creates an API key, rolls it, then revokes it',
    run: async (p, step) => {
      const id = await apiKey(p, step);
      await p.apiKeys.roll(id);
      step('rolled', 'API key', id);
      await revokeKey(p, step, id);
      return id;
    },
  },
  'api_key.revoked': {
    does: 'creates an API key, then revokes it',
    run: async (p, step) => {
      const id = await apiKey(p, step);
      await revokeKey(p, step, id);
      return id;
    },
  },
  'role.created': { does: 'creates a custom role', run: role },
  'role.updated': {
    does: 'creates a custom role, then updates its description',
    run: async (p, step) => {
      const id = await role(p, step);
      await p.roles.update(id, { description: 'Updated by plinth trigger' });
      step('updated', 'role', id);
      return id;
    },
  },
  'role.deleted': {
    does: 'creates a custom role, then deletes it',
    run: async (p, step) => {
      const id = await role(p, step);
      await p.roles.delete(id);
      step('deleted', 'role', id);
      return id;
    },
  },
  'invitation.created': { does: 'invites invitee+...@example.com as a viewer', run: invitation },
  'invitation.revoked': {
    does: 'invites someone, then revokes the invitation',
    run: async (p, step) => {
      const id = await invitation(p, step);
      await p.invitations.revoke(id);
      step('revoked', 'invitation', id);
      return id;
    },
  },
  'webhook_endpoint.created': { does: `creates a disabled endpoint for ${SAMPLE_ENDPOINT_URL}`, run: endpoint },
  'webhook_endpoint.updated': {
    does: 'creates a disabled endpoint, then updates it',
    run: async (p, step) => {
      const id = await endpoint(p, step);
      await p.webhookEndpoints.update(id, { description: 'Updated by plinth trigger' });
      step('updated', 'webhook endpoint', id);
      return id;
    },
  },
  'webhook_endpoint.deleted': {
    does: 'creates a disabled endpoint, then deletes it',
    run: async (p, step) => {
      const id = await endpoint(p, step);
      await p.webhookEndpoints.delete(id);
      step('deleted', 'webhook endpoint', id);
      return id;
    },
  },
  'webhook_endpoint.secret_rotated': {
    does: 'creates a disabled endpoint, then rotates its secret',
    run: async (p, step) => {
      const id = await endpoint(p, step);
      await p.webhookEndpoints.rotateSecret(id);
      step('rotated the secret of', 'webhook endpoint', id);
      return id;
    },
  },
  'audit.entry.created': { does: 'creates a customer; its audit entry is announced once the worker seals it', run: customer },
};

export function triggerCommand(program: Command): void {
  const width = Math.max(...Object.keys(FIXTURES).map((t) => t.length));
  program
    .command('trigger')
    .description('Cause an event with sample data, through the API call that emits it')
    .argument('<event-type>', 'the event to trigger, e.g. customer.created')
    .option('--api-key <key>', 'secret API key (default: PLINTH_API_KEY, or the stored login)')
    .option('--base-url <url>', 'the Plinth server (default: PLINTH_BASE_URL, the last login, or http://localhost:3000)')
    .option('--json', 'print the objects made and the event as JSON')
    .addHelpText(
      'after',
      `
Event types it can trigger (sample objects stay, like stripe trigger's; API keys are revoked):
${Object.entries(FIXTURES)
  .map(([type, f]) => `  ${type.padEnd(width)}  ${f.does}`)
  .join('\n')}

Examples:
  $ plinth trigger customer.created
  $ plinth trigger customer.deleted --json`,
    )
    .action(action(trigger));
}

async function trigger(type: string, options: TriggerOptions): Promise<void> {
  const out = new Output(Boolean(options.json));
  const fixture = FIXTURES[type];
  const { plinth } = connect(options);
  if (!fixture) throw new CliError(await whyNot(plinth, type));

  const steps: { action: string; object: string; id: string }[] = [];
  const id = await fixture.run(plinth, (act, object, objectId) => {
    steps.push({ action: act, object, id: objectId });
    out.line(`  ${act} ${object} ${objectId}`);
  });
  const event = await findEvent(plinth, type, id, out);
  out.data({ type, steps, event });
  out.line(event ? `Trigger succeeded! ${type} ${event.id}` : `Trigger succeeded: the calls that emit ${type} were made.`);
}

/** A clear refusal: an unknown type, or a known one the CLI cannot cause, and what it can. */
async function whyNot(plinth: Plinth, type: string): Promise<string> {
  const supported = `Supported: ${Object.keys(FIXTURES).join(', ')}.`;
  let known: string[] | undefined;
  try {
    known = (await plinth.eventTypes.list()).data.map((t) => t.type);
  } catch {
    // The catalogue is a nicety here; the refusal stands without it.
  }
  if (known && !known.includes(type)) return `'${type}' is not a Plinth event type (see GET /v1/event-types). ${supported}`;
  if (known) return `'${type}' cannot be triggered by a simple API call from the CLI. ${supported}`;
  return `'${type}' cannot be triggered. ${supported}`;
}

/** The event the calls emitted (audit entries come once the worker has sealed them, so wait a little). */
async function findEvent(plinth: Plinth, type: string, objectId: string, out: Output): Promise<PlinthEvent | null> {
  const deadline = Date.now() + (type.startsWith('audit.') ? 15_000 : 5_000);
  for (;;) {
    try {
      const { data } = await plinth.events.list({ type, limit: 20 });
      const event = data.find((e) => aboutObject(e, objectId));
      if (event) return event;
    } catch (err) {
      if (isPlinthError(err) && err.code === 'missing_permission') return null; // the key cannot read events: nothing to show
      throw err;
    }
    if (Date.now() > deadline) {
      out.note(`The ${type} event is not listed yet${type.startsWith('audit.') ? ' (is the worker running?)' : ''}.`);
      return null;
    }
    await sleep(250);
  }
}

function aboutObject(event: PlinthEvent, id: string): boolean {
  const object = (event.data as { object?: { id?: string; target?: { id?: string } | null } }).object;
  return object?.id === id || object?.target?.id === id;
}
