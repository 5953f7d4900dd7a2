import type { EventTypeInfo } from '../../core/events/envelope.js';
import { apiKeyEvents, type ApiKeyEvent } from '../api-keys/api-keys.events.js';
import { auditEvents, type AuditEvent } from '../audit/audit.events.js';
import { userEvents, type UserEvent } from '../auth/auth.events.js';
import { customerEvents, type CustomerEvent } from '../customers/customers.events.js';
import { invitationEvents, type InvitationEvent } from '../invitations/invitations.events.js';
import { memberEvents, type MemberEvent } from '../members/members.events.js';
import { mfaEvents, type MfaEvent } from '../auth/mfa.events.js';
import { roleEvents, type RoleEvent } from '../roles/roles.events.js';
import { tenantEvents, type TenantEvent } from '../tenants/tenants.events.js';
import { ssoEvents, type SsoEvent } from '../sso/sso.events.js';
import { webhookEndpointEvents, type WebhookEndpointEvent } from '../webhooks/webhooks.events.js';

/** Every event Plinth emits. Each module declares its own in `<module>.events.ts`. */
export type PlinthEvent =
  TenantEvent | UserEvent | MemberEvent | InvitationEvent | RoleEvent | ApiKeyEvent | CustomerEvent | WebhookEndpointEvent | MfaEvent | SsoEvent | AuditEvent;

export type EventType = PlinthEvent['type'];

export const EVENT_CATALOGUE: Record<EventType, EventTypeInfo> = {
  ...tenantEvents,
  ...userEvents,
  ...memberEvents,
  ...invitationEvents,
  ...roleEvents,
  ...apiKeyEvents,
  ...customerEvents,
  ...webhookEndpointEvents,
  ...mfaEvents,
  ...ssoEvents,
  ...auditEvents,
};

export const EVENT_TYPES = Object.keys(EVENT_CATALOGUE).sort() as EventType[];

/**
 * An endpoint filter is `*`, an exact event type, or a prefix wildcard (`customer.*`, `audit.*`) that
 * matches at least one type. Returns why a filter is invalid, or undefined.
 */
export function invalidFilterReason(filter: string): string | undefined {
  if (filter === '*') return undefined;
  if (filter.endsWith('.*')) {
    const prefix = filter.slice(0, -1);
    return EVENT_TYPES.some((t) => t.startsWith(prefix)) ? undefined : `no event type starts with '${prefix}'`;
  }
  return Object.hasOwn(EVENT_CATALOGUE, filter) ? undefined : 'is not an event type (see GET /v1/event-types)';
}

export function matchesFilter(filters: readonly string[], type: string): boolean {
  return filters.some((f) => f === '*' || f === type || (f.endsWith('.*') && type.startsWith(f.slice(0, -1))));
}

/** The exact types a filter list selects (for Svix, whose filters are exact types); undefined means all. */
export function expandFilters(filters: readonly string[]): string[] | undefined {
  if (filters.includes('*')) return undefined;
  return EVENT_TYPES.filter((t) => matchesFilter(filters, t));
}
