export interface UserDto {
  /** @example "usr_01JDA4Y7Q5X3M8N2P6R9T0V1W2" */
  id: string;
  object: 'user';
  /** @example "jane@acme.com" */
  email: string;
  /** @example "Jane Cooper" */
  name: string;
  email_verified: boolean;
  /** Whether the user signs in with a second factor (TOTP). */
  mfa_enabled: boolean;
  created_at: string;
}

export interface MembershipSummary {
  /** @example "mem_01JDA4Y7Q5X3M8N2P6R9T0V1W2" */
  id: string;
  object: 'membership';
  tenant_id: string;
  tenant_name: string;
  /** @example "owner" */
  role: string;
}

export interface Me {
  object: 'me';
  user: UserDto;
  /** The tenant this session acts in. */
  tenant_id: string;
  session_id: string;
  memberships: MembershipSummary[];
}

export interface AuthTokens {
  object: 'auth_tokens';
  token_type: 'Bearer';
  /** Send as `Authorization: Bearer <access_token>`. */
  access_token: string;
  /** Seconds until the access token expires. @example 900 */
  expires_in: number;
  /** Single use: `POST /v1/auth/refresh` returns a new one. Reusing an old one revokes the session. */
  refresh_token: string;
  session_id: string;
  tenant_id: string;
  user: UserDto;
}

export interface Signup {
  /**
   * @format email
   * @pattern ^[^\s@]+@[^\s@]+\.[^\s@]+$
   * @maxLength 320
   * @example "jane@acme.com"
   */
  email: string;
  /**
   * At least 10 characters.
   * @minLength 10
   * @maxLength 200
   * @example "correct horse battery staple"
   */
  password: string;
  /**
   * @minLength 1
   * @maxLength 200
   * @example "Jane Cooper"
   */
  name: string;
  /**
   * The new tenant's name.
   * @minLength 1
   * @maxLength 200
   * @example "Acme Inc."
   */
  tenant_name: string;
}

export interface Login {
  /**
   * @format email
   * @pattern ^[^\s@]+@[^\s@]+\.[^\s@]+$
   * @maxLength 320
   * @example "jane@acme.com"
   */
  email: string;
  /**
   * @minLength 1
   * @maxLength 200
   */
  password: string;
  /**
   * Which of your tenants to act in; default, your first.
   * @maxLength 64
   */
  tenant_id?: string;
}

export interface Refresh {
  /**
   * @minLength 1
   * @maxLength 256
   */
  refresh_token: string;
  /**
   * Switch the session to another of your tenants.
   * @maxLength 64
   */
  tenant_id?: string;
}

export interface TokenConfirm {
  /** The token from the email. @minLength 1 @maxLength 200 */
  token: string;
}

export interface PasswordResetRequest {
  /**
   * @format email
   * @pattern ^[^\s@]+@[^\s@]+\.[^\s@]+$
   * @maxLength 320
   */
  email: string;
}

export interface PasswordResetConfirm {
  /**
   * The token from the reset email.
   * @minLength 1
   * @maxLength 200
   * @example "pr_3kq9ZtX2"
   */
  token: string;
  /**
   * The new password, at least 10 characters.
   * @minLength 10
   * @maxLength 200
   * @example "a brand new passphrase"
   */
  password: string;
}

export interface SessionDto {
  /** @example "ses_01JDA4Y7Q5X3M8N2P6R9T0V1W2" */
  id: string;
  object: 'session';
  tenant_id: string;
  ip: string | null;
  user_agent: string | null;
  current: boolean;
  created_at: string;
  last_used_at: string;
  expires_at: string;
}

export interface Accepted {
  object: 'accepted';
  /** @example "If an account exists for this address, we sent it an email." */
  message: string;
}

/** Password login of a user with two-factor authentication: finish it with `POST /v1/auth/mfa`. */
export interface MfaChallenge {
  object: 'mfa_challenge';
  /**
   * Send it back with a code from the authenticator app (or a recovery code). Valid 5 minutes.
   * @example "mfac_8fJ2kQ9xV3mN7pR1tY5wZ0aB4cD6eH"
   */
  challenge: string;
  /** @example 300 */
  expires_in: number;
  factors: 'totp'[];
}
