import type { Invitation } from './invitations.entity.js';

export interface InvitationDto {
  /** @example "inv_01JDA4Y7Q5X3M8N2P6R9T0V1W2" */
  id: string;
  object: 'invitation';
  /** @example "sam@acme.com" */
  email: string;
  /** @example "developer" */
  role: string;
  /** `expired` once `expires_at` has passed while pending. */
  status: 'pending' | 'accepted' | 'revoked' | 'expired';
  invited_by: string | null;
  expires_at: string;
  accepted_at: string | null;
  created_at: string;
}

/** Returned once, on create: the token also goes out by email. */
export interface InvitationWithToken extends InvitationDto {
  /** For your own invitation email or link; pass it to `POST /v1/invitations/accept`. */
  token: string;
}

export interface InvitationCreate {
  /**
   * @format email
   * @pattern ^[^\s@]+@[^\s@]+\.[^\s@]+$
   * @maxLength 320
   * @example "sam@acme.com"
   */
  email: string;
  /**
   * A role key from `GET /v1/roles`.
   * @maxLength 40
   * @example "developer"
   */
  role: string;
}

export interface InvitationAccept {
  /** The token from the invitation. @minLength 1 @maxLength 200 */
  token: string;
  /**
   * New users: your name. @minLength 1 @maxLength 200
   */
  name?: string;
  /**
   * New users: the password to create; existing users: your current password.
   * @minLength 1
   * @maxLength 200
   */
  password: string;
}

export function toInvitationDto(i: Invitation): InvitationDto {
  return {
    id: i.id,
    object: 'invitation',
    email: i.email,
    role: i.role,
    status: i.status === 'pending' && i.expiresAt <= new Date() ? 'expired' : i.status,
    invited_by: i.invitedBy,
    expires_at: i.expiresAt.toISOString(),
    accepted_at: i.acceptedAt?.toISOString() ?? null,
    created_at: i.createdAt.toISOString(),
  };
}
