import type { Change } from './record.js';

/**
 * The event unions the compiler knows, one entry per module, added from each module's events file:
 * `declare module '../../core/events/change.js' { interface EventRegistry { customers: CustomerEvent } }`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface EventRegistry {}

export type KnownEvent = EventRegistry[keyof EventRegistry] & { type: string; data: { object: unknown } };
type KnownEventType = KnownEvent['type'];

type ObjectOf<T extends KnownEventType> = Extract<KnownEvent, { type: T }>['data']['object'];

/** A change whose event payload the compiler checks against the event type's declared schema. */
export function change<T extends KnownEventType>(type: T, object: ObjectOf<T>, previous?: Partial<ObjectOf<T>> | null): Change {
  const resource = object as unknown as { id: string; object: string };
  return { action: type, target: { type: resource.object, id: resource.id }, object: resource, previous: previous ?? undefined };
}
