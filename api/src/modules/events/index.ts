// The events module's public surface: other modules import only this file.
export { eventsModule, type EventsServices } from './module.js';
export type { PlinthEvent } from './catalogue.js';
