import type { Change } from '../../core/events/record.js';
import type { EventType, PlinthEvent } from './catalogue.js';

type ObjectOf<T extends EventType> = Extract<PlinthEvent, { type: T }>['data']['object'];

/** A change whose event payload the compiler checks against the event type's declared schema. */
export function change<T extends EventType>(type: T, object: ObjectOf<T>, previous?: Partial<ObjectOf<T>> | null): Change {
  const resource = object as unknown as { id: string; object: string };
  return { action: type, target: { type: resource.object, id: resource.id }, object: resource, previous: previous ?? undefined };
}
