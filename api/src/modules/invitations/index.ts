// The invitations module's public surface: other modules import only this file.
export { invitationsModule, type InvitationsServices } from './module.js';
export type { InvitationDto } from './invitations.dto.js';
export type { InvitationEvent } from './invitations.events.js';
