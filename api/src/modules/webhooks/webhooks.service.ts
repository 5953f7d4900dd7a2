import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { authorize, type Ctx } from '../../core/auth/principal.js';
import type { Deps } from '../../core/deps.js';
import { inTenant } from '../../core/db/unit-of-work.js';
import { enqueue, originOf, previousAttributes, record } from '../../core/events/record.js';
import { ApiError, badRequest, conflict, notFound, unprocessable, type FieldError } from '../../core/http/errors.js';
import { keysetWhere, pageParams, toList, type List } from '../../core/http/pagination.js';
import { assertValid, checkMetadata, mergeMetadata } from '../../core/http/validation.js';
import { isId, newId } from '../../core/ids.js';
import { unsafeUrlReason } from '../../core/net/ssrf.js';
import { SecretBox } from '../../core/secret-box.js';
import { change } from '../../core/events/change.js';
import { invalidFilterReason, matchesFilter } from '../../core/events/filters.js';
import {
  toDeliveryDto,
  toEndpointDto,
  type DeletedWebhookEndpoint,
  type WebhookDeliveryDto,
  type WebhookEndpointCreate,
  type WebhookEndpointDto,
  type WebhookEndpointUpdate,
  type WebhookEndpointWithSecret,
  type WebhookPortalSession,
  type WebhookReplay,
  type WebhookReplayResult,
} from './webhooks.dto.js';
import { WebhookDelivery, WebhookEndpoint } from './webhooks.entity.js';
import type { SvixBackend } from './svix.js';

export const DELIVER_QUEUE = 'webhook-deliver';
const REPLAY_LIMIT = 10_000;

export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

export function secretBox(secret: string): SecretBox {
  return new SecretBox(secret, 'webhook-endpoint-secrets');
}

/**
 * Customer-managed webhook endpoints. With the built-in dispatcher Plinth delivers itself; with
 * `SVIX_API_KEY` every endpoint operation is mirrored onto Svix in the same request (a Svix failure
 * rolls the change back) and Svix delivers.
 */
export class WebhooksService {
  private readonly box: SecretBox;

  constructor(
    private readonly deps: Deps,
    private readonly svix: SvixBackend | undefined,
  ) {
    this.box = secretBox(deps.config.secret);
  }

  async create(ctx: Ctx, input: WebhookEndpointCreate): Promise<WebhookEndpointWithSecret> {
    const grant = authorize(ctx, 'webhooks:write');
    const { tenantId } = grant;
    await this.validate(input);
    const secret = newWebhookSecret();
    return inTenant(this.deps.orm, grant, async (em) => {
      const endpoint = em.create(WebhookEndpoint, {
        id: newId('webhookEndpoint'),
        tenantId,
        url: input.url,
        description: input.description ?? null,
        enabled: input.enabled ?? true,
        eventTypes: [...new Set(input.event_types)],
        metadata: input.metadata ?? {},
        secretEnc: this.box.seal(secret),
      });
      await em.persist(endpoint).flush();
      const dto = toEndpointDto(endpoint);
      await record(em, tenantId, originOf(ctx), [change('webhook_endpoint.created', dto)]);
      await this.mirror(() => this.svix?.createEndpoint(tenantId, endpoint, secret));
      return { ...dto, secret };
    });
  }

  async list(ctx: Ctx, query: { limit?: number; startingAfter?: string }): Promise<List<WebhookEndpointDto>> {
    const grant = authorize(ctx, 'webhooks:read');
    const page = pageParams(query.limit, query.startingAfter);
    return inTenant(this.deps.orm, grant, async (em) => {
      const rows = await em.find(WebhookEndpoint, keysetWhere(page), { orderBy: { id: 'desc' }, limit: page.limit + 1 });
      return toList(rows, page, toEndpointDto);
    });
  }

  async get(ctx: Ctx, id: string): Promise<WebhookEndpointDto> {
    const grant = authorize(ctx, 'webhooks:read');
    return inTenant(this.deps.orm, grant, async (em) => toEndpointDto(await this.find(em, id)));
  }

  async update(ctx: Ctx, id: string, input: WebhookEndpointUpdate): Promise<WebhookEndpointDto> {
    const grant = authorize(ctx, 'webhooks:write');
    const { tenantId } = grant;
    await this.validate(input);
    return inTenant(this.deps.orm, grant, async (em) => {
      const endpoint = await this.find(em, id);
      const before = toEndpointDto(endpoint);
      if (input.url !== undefined) endpoint.url = input.url;
      if (input.description !== undefined) endpoint.description = input.description;
      if (input.event_types !== undefined) endpoint.eventTypes = [...new Set(input.event_types)];
      if (input.enabled !== undefined) {
        endpoint.enabled = input.enabled;
        if (input.enabled) {
          endpoint.disabledReason = null;
          endpoint.failingSince = null;
        }
      }
      endpoint.metadata = mergeMetadata(endpoint.metadata, input.metadata);
      await em.flush();
      const dto = toEndpointDto(endpoint);
      const previous = previousAttributes(before, dto);
      if (previous) {
        await record(em, tenantId, originOf(ctx), [change('webhook_endpoint.updated', dto, previous)]);
        await this.mirror(() => this.svix?.updateEndpoint(tenantId, endpoint));
      }
      return dto;
    });
  }

  async delete(ctx: Ctx, id: string): Promise<DeletedWebhookEndpoint> {
    const grant = authorize(ctx, 'webhooks:write');
    const { tenantId } = grant;
    return inTenant(this.deps.orm, grant, async (em) => {
      const endpoint = await this.find(em, id);
      const dto = toEndpointDto(endpoint);
      await em.remove(endpoint).flush();
      await record(em, tenantId, originOf(ctx), [change('webhook_endpoint.deleted', dto)]);
      await this.mirror(() => this.svix?.deleteEndpoint(tenantId, id));
      return { id, object: 'webhook_endpoint', deleted: true };
    });
  }

  /** A new secret; the previous one keeps signing alongside it for 24 hours, so receivers can switch at leisure. */
  async rotateSecret(ctx: Ctx, id: string): Promise<WebhookEndpointWithSecret> {
    const grant = authorize(ctx, 'webhooks:write');
    const { tenantId } = grant;
    const secret = newWebhookSecret();
    return inTenant(this.deps.orm, grant, async (em) => {
      const endpoint = await this.find(em, id);
      endpoint.previousSecretEnc = endpoint.secretEnc;
      endpoint.previousSecretExpiresAt = new Date(Date.now() + this.deps.config.webhooks.previousSecretTtlSeconds * 1000);
      endpoint.secretEnc = this.box.seal(secret);
      await em.flush();
      const dto = toEndpointDto(endpoint);
      await record(em, tenantId, originOf(ctx), [change('webhook_endpoint.secret_rotated', dto)]);
      await this.mirror(() => this.svix?.rotateSecret(tenantId, id, secret));
      return { ...dto, secret };
    });
  }

  /** Sends a `webhook_endpoint.test` event to this endpoint only (whatever its filter). */
  async test(ctx: Ctx, id: string): Promise<WebhookDeliveryDto> {
    const grant = authorize(ctx, 'webhooks:write');
    const { tenantId } = grant;
    this.requireBuiltIn('test deliveries');
    return inTenant(this.deps.orm, grant, async (em) => {
      const endpoint = await this.find(em, id);
      if (!endpoint.enabled) throw conflict('endpoint_disabled', 'This endpoint is disabled; enable it before sending a test event.');
      const eventId = newId('event');
      const data = { object: toEndpointDto(endpoint) };
      // Relayed already: the test event goes to this endpoint alone, not to every subscriber.
      await em.execute(`insert into events (id, tenant_id, type, created_at, data, request_id, relayed_at) values (?, ?, ?, ?, ?::jsonb, ?, now())`, [
        eventId,
        tenantId,
        'webhook_endpoint.test',
        new Date().toISOString(),
        JSON.stringify(data),
        ctx.requestId,
      ]);
      const delivery = await this.schedule(em, tenantId, endpoint.id, eventId);
      await record(em, tenantId, originOf(ctx), [
        { action: 'webhook_endpoint.tested', target: { type: 'webhook_endpoint', id }, changes: { event_id: eventId } },
      ]);
      return toDeliveryDto(delivery, 'webhook_endpoint.test');
    });
  }

  async deliveries(ctx: Ctx, id: string, query: { limit?: number; startingAfter?: string; status?: string }): Promise<List<WebhookDeliveryDto>> {
    const grant = authorize(ctx, 'webhooks:read');
    const page = pageParams(query.limit, query.startingAfter);
    return inTenant(this.deps.orm, grant, async (em) => {
      await this.find(em, id);
      const where = { endpointId: id, ...keysetWhere(page), ...(query.status ? { status: query.status as WebhookDelivery['status'] } : {}) };
      const rows = await em.find(WebhookDelivery, where, { orderBy: { id: 'desc' }, limit: page.limit + 1 });
      const types = await this.eventTypes(
        em,
        rows.map((r) => r.eventId),
      );
      return toList(rows, page, (d) => toDeliveryDto(d, types.get(d.eventId) ?? 'unknown'));
    });
  }

  /** Sends the delivery again now, whatever its status; its schedule restarts from this attempt. */
  async retry(ctx: Ctx, deliveryId: string): Promise<WebhookDeliveryDto> {
    const grant = authorize(ctx, 'webhooks:write');
    const { tenantId } = grant;
    this.requireBuiltIn('delivery retries');
    return inTenant(this.deps.orm, grant, async (em) => {
      const delivery = isId('webhookDelivery', deliveryId) ? await em.findOne(WebhookDelivery, { id: deliveryId }) : null;
      if (!delivery) throw notFound('webhook_delivery', deliveryId);
      const endpoint = await this.find(em, delivery.endpointId);
      if (!endpoint.enabled) throw conflict('endpoint_disabled', 'This endpoint is disabled; enable it before retrying deliveries.');
      const scheduled = await this.schedule(em, tenantId, endpoint.id, delivery.eventId);
      await record(em, tenantId, originOf(ctx), [{ action: 'webhook_delivery.retried', target: { type: 'webhook_delivery', id: deliveryId } }]);
      const types = await this.eventTypes(em, [scheduled.eventId]);
      return toDeliveryDto(scheduled, types.get(scheduled.eventId) ?? 'unknown');
    });
  }

  /** Re-sends every retained event in the range that the endpoint subscribes to (up to 10,000). */
  async replay(ctx: Ctx, id: string, input: WebhookReplay): Promise<WebhookReplayResult> {
    const grant = authorize(ctx, 'webhooks:write');
    const { tenantId } = grant;
    const until = input.until ?? new Date();
    if (input.since >= until) throw badRequest('invalid_range', 'since must be earlier than until.');
    return inTenant(this.deps.orm, grant, async (em) => {
      const endpoint = await this.find(em, id);
      if (!endpoint.enabled) throw conflict('endpoint_disabled', 'This endpoint is disabled; enable it before replaying events.');
      if (this.svix) {
        await this.mirror(() => this.svix!.recover(tenantId, id, input.since, until));
        await record(em, tenantId, originOf(ctx), [
          { action: 'webhook_endpoint.replayed', target: { type: 'webhook_endpoint', id }, changes: { since: input.since, until } },
        ]);
        return { object: 'webhook_replay', endpoint_id: id, queued: 0 };
      }
      const events = await em.execute<{ id: string; type: string }[]>(
        `select id, type from events where created_at >= ? and created_at < ? and type <> 'webhook_endpoint.test' order by id limit ?`,
        [input.since.toISOString(), until.toISOString(), REPLAY_LIMIT + 1],
      );
      if (events.length > REPLAY_LIMIT) {
        throw unprocessable('replay_too_large', `More than ${REPLAY_LIMIT} events fall in this range; replay a shorter range.`);
      }
      const wanted = events.filter((e) => matchesFilter(endpoint.eventTypes, e.type));
      for (const e of wanted) await this.schedule(em, tenantId, endpoint.id, e.id);
      await record(em, tenantId, originOf(ctx), [
        { action: 'webhook_endpoint.replayed', target: { type: 'webhook_endpoint', id }, changes: { since: input.since, until, queued: wanted.length } },
      ]);
      return { object: 'webhook_replay', endpoint_id: id, queued: wanted.length };
    });
  }

  async portalSession(ctx: Ctx): Promise<WebhookPortalSession> {
    const grant = authorize(ctx, 'webhooks:write');
    const { tenantId } = grant;
    if (!this.svix) {
      throw conflict(
        'portal_unavailable',
        'The webhook portal is served by Svix: set SVIX_API_KEY to use it. The built-in dispatcher is managed through this API.',
      );
    }
    const url = (await this.mirror(() => this.svix!.portalUrl(tenantId)))!;
    return { object: 'webhook_portal_session', url };
  }

  /** Creates (or resets) the delivery of an event to an endpoint and hands it to the job runner, in the caller's transaction. */
  private async schedule(em: EntityManager, tenantId: string, endpointId: string, eventId: string): Promise<WebhookDelivery> {
    const token = randomBytes(9).toString('base64url');
    let delivery = await em.findOne(WebhookDelivery, { endpointId, eventId });
    if (delivery) {
      delivery.status = 'pending';
      delivery.jobToken = token;
      delivery.nextAttemptAt = new Date();
    } else {
      delivery = em.create(WebhookDelivery, {
        id: newId('webhookDelivery'),
        tenantId,
        endpointId,
        eventId,
        status: 'pending',
        jobToken: token,
        nextAttemptAt: new Date(),
      });
      em.persist(delivery);
    }
    await em.flush();
    await enqueue(em, tenantId, DELIVER_QUEUE, { deliveryId: delivery.id, token });
    return delivery;
  }

  private async eventTypes(em: EntityManager, ids: string[]): Promise<Map<string, string>> {
    if (!ids.length) return new Map();
    const rows = await em.execute<{ id: string; type: string }[]>(`select id, type from events where id in (?)`, [ids]);
    return new Map(rows.map((r) => [r.id, r.type]));
  }

  private async validate(input: { url?: string; event_types?: string[]; metadata?: Record<string, string> }): Promise<void> {
    assertValid(checkMetadata(input.metadata));
    const errors: FieldError[] = [];
    input.event_types?.forEach((filter, i) => {
      const reason = invalidFilterReason(filter, this.deps.registry.eventTypes);
      if (reason) errors.push({ path: `event_types.${i}`, message: `'${filter}' ${reason}` });
    });
    if (input.url !== undefined) {
      const reason = await unsafeUrlReason(input.url, this.deps.config.webhooks.allowPrivateNetworks, 'WEBHOOK_ALLOW_PRIVATE_NETWORKS');
      if (reason) errors.push({ path: 'url', message: reason });
    }
    if (errors.length) {
      const code = errors.some((e) => e.path === 'url') ? 'unsafe_url' : 'invalid_event_types';
      throw unprocessable(code, errors.map((e) => `${e.path} ${e.message}`).join('; '), errors);
    }
  }

  private requireBuiltIn(what: string): void {
    if (this.svix)
      throw conflict('managed_by_svix', `With the Svix backend, ${what} are handled in the Svix app portal (POST /v1/webhook-endpoints/portal-session).`);
  }

  /** Runs a Svix call; a failure aborts the request (and rolls back its transaction) with a 502. */
  private async mirror<T>(call: () => Promise<T> | undefined): Promise<T | undefined> {
    try {
      return await call();
    } catch (err) {
      this.deps.log.error({ err: String(err) }, 'svix call failed');
      throw new ApiError(502, 'webhook_backend_unavailable', 'Bad Gateway', 'Svix did not accept the change; nothing was saved. Try again.');
    }
  }

  private async find(em: EntityManager, id: string): Promise<WebhookEndpoint> {
    const endpoint = isId('webhookEndpoint', id) ? await em.findOne(WebhookEndpoint, { id }) : null;
    if (!endpoint) throw notFound('webhook_endpoint', id);
    return endpoint;
  }
}
