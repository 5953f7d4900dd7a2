export interface TotpEnrollment {
  object: 'totp_enrollment';
  /**
   * The shared secret (base32), for typing into an authenticator app.
   * @example "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
   */
  secret: string;
  /**
   * The same secret as an otpauth:// URI: render it as a QR code.
   * @example "otpauth://totp/Plinth:jane%40acme.com?issuer=Plinth&secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&algorithm=SHA1&digits=6&period=30"
   */
  otpauth_uri: string;
}

export interface MfaCode {
  /**
   * A 6-digit code from the authenticator app, or a recovery code.
   * @minLength 6
   * @maxLength 20
   * @example "123456"
   */
  code: string;
}

export interface MfaLogin {
  /**
   * The `challenge` from the login answer.
   * @minLength 1
   * @maxLength 200
   * @example "mfac_8fJ2kQ9xV3mN7pR1tY5wZ0aB4cD6eH"
   */
  challenge: string;
  /**
   * A 6-digit code from the authenticator app, or a recovery code.
   * @minLength 6
   * @maxLength 20
   * @example "123456"
   */
  code: string;
}

export interface RecoveryCodes {
  object: 'mfa_recovery_codes';
  /**
   * Shown once: each works once in place of an authenticator code. Store them somewhere safe.
   * @example ["k7f2-9qxm-4d", "p3w8-hz2n-7c"]
   */
  recovery_codes: string[];
}

export interface MfaStatus {
  object: 'mfa_status';
  totp_enabled: boolean;
  /** Also true while an enrolment waits for its first code. */
  totp_pending: boolean;
  recovery_codes_remaining: number;
}
