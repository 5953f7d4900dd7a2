import { Svix } from 'svix';
import type { EventTypeInfo } from '../../core/events/envelope.js';
import { expandFilters } from '../../core/events/filters.js';

export interface SvixEndpointInput {
  id: string;
  url: string;
  description: string | null;
  enabled: boolean;
  eventTypes: string[];
  metadata: Record<string, string>;
}

/**
 * The Svix backend: one Svix application per tenant (uid = tenant id), endpoints mirrored with
 * uid = Plinth endpoint id and the same signing secret, each event sent as a message whose
 * idempotency key is the event id (a re-sent event is never delivered twice by Svix).
 */
export class SvixBackend {
  private readonly svix: Svix;
  private readonly apps = new Set<string>();

  constructor(
    apiKey: string,
    serverUrl: string | undefined,
    private readonly eventTypes: readonly string[],
  ) {
    this.svix = new Svix(apiKey, serverUrl ? { serverUrl } : undefined);
  }

  async ensureApp(tenantId: string): Promise<void> {
    if (this.apps.has(tenantId)) return;
    await this.svix.application.getOrCreate({ name: tenantId, uid: tenantId });
    this.apps.add(tenantId);
  }

  async createEndpoint(tenantId: string, e: SvixEndpointInput, secret: string): Promise<void> {
    await this.ensureApp(tenantId);
    await this.svix.endpoint.create(
      tenantId,
      {
        uid: e.id,
        url: e.url,
        description: e.description ?? '',
        disabled: !e.enabled,
        eventTypes: expandFilters(e.eventTypes, this.eventTypes) ?? null,
        metadata: e.metadata,
        secret,
      },
      { idempotencyKey: `create-${e.id}` },
    );
  }

  async updateEndpoint(tenantId: string, e: SvixEndpointInput): Promise<void> {
    await this.svix.endpoint.patch(tenantId, e.id, {
      url: e.url,
      description: e.description ?? '',
      disabled: !e.enabled,
      eventTypes: expandFilters(e.eventTypes, this.eventTypes) ?? null,
      metadata: e.metadata,
    });
  }

  async deleteEndpoint(tenantId: string, endpointId: string): Promise<void> {
    await this.svix.endpoint.delete(tenantId, endpointId);
  }

  async rotateSecret(tenantId: string, endpointId: string, secret: string): Promise<void> {
    await this.svix.endpoint.rotateSecret(tenantId, endpointId, { key: secret });
  }

  async sendTest(tenantId: string, endpointId: string, eventType: string): Promise<void> {
    await this.svix.endpoint.sendExample(tenantId, endpointId, { eventType });
  }

  async recover(tenantId: string, endpointId: string, since: Date, until?: Date): Promise<void> {
    await this.svix.endpoint.recover(tenantId, endpointId, { since, until });
  }

  async portalUrl(tenantId: string): Promise<string> {
    await this.ensureApp(tenantId);
    const access = await this.svix.authentication.appPortalAccess(tenantId, {});
    return access.url;
  }

  async publish(event: { id: string; type: string; tenant_id: string; payload: unknown }): Promise<void> {
    await this.svix.message.create(
      event.tenant_id,
      { eventId: event.id, eventType: event.type, payload: event.payload, application: { name: event.tenant_id, uid: event.tenant_id } },
      { idempotencyKey: event.id },
    );
  }

  /** Creates each catalogue type in Svix; an existing type is left as it is (Svix answers 409). */
  async syncEventTypes(catalogue: Record<string, EventTypeInfo>, schemas: Record<string, unknown>): Promise<void> {
    for (const [name, info] of Object.entries(catalogue)) {
      const schema = schemas[info.schema];
      try {
        await this.svix.eventType.create({ name, description: info.description, schemas: schema ? { '1': schema } : null });
      } catch (err) {
        if ((err as { code?: number }).code !== 409) throw err;
      }
    }
  }
}
