import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Secret, TOTP } from 'otpauth';
import type { Ctx } from '../../core/auth/principal.js';
import { keyedHash, randomToken } from '../../core/auth/tokens.js';
import type { Deps } from '../../core/deps.js';
import { inIdentity } from '../../core/db/unit-of-work.js';
import { conflict, unauthorized, unprocessable } from '../../core/http/errors.js';
import { newId } from '../../core/ids.js';
import { SecretBox } from '../../core/secret-box.js';
import { User } from './auth.entity.js';
import type { MfaChallenge } from './auth.dto.js';
import { recordForUser, toUserDto, type Client } from './user-events.js';
import { change } from '../../core/events/change.js';
import type { MfaLogin, MfaStatus, RecoveryCodes, TotpEnrollment } from './mfa.dto.js';
import { MfaChallengeRow, RecoveryCode } from './mfa.entity.js';

const CHALLENGE_TTL_SECONDS = 300;
const MAX_CHALLENGE_ATTEMPTS = 5;
const RECOVERY_CODES = 10;
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

function recoveryCode(): string {
  const chars = [...randomBytes(10)].map((b) => RECOVERY_ALPHABET[b % RECOVERY_ALPHABET.length]).join('');
  return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8)}`;
}

const normalise = (code: string) => code.trim().toLowerCase().replace(/\s+/g, '');

/**
 * Two-factor authentication with TOTP (RFC 6238: SHA-1, 6 digits, 30 s, one step of clock drift
 * either way, never the same step twice) and 10 single-use recovery codes stored as keyed hashes.
 * The secret is sealed with the platform secret. Code checks are rate-limited per user.
 */
export class MfaService {
  private readonly box: SecretBox;

  constructor(private readonly deps: Deps) {
    this.box = new SecretBox(deps.config.secret, 'totp-secrets');
  }

  async status(ctx: Ctx): Promise<MfaStatus> {
    const userId = this.userOf(ctx);
    return inIdentity(this.deps.orm, async (em) => {
      const user = await em.findOneOrFail(User, { id: userId });
      const remaining = await em.count(RecoveryCode, { userId, usedAt: null });
      return { object: 'mfa_status', totp_enabled: !!user.totpEnabledAt, totp_pending: !!user.totpPendingSecretEnc, recovery_codes_remaining: remaining };
    });
  }

  /** Starts (or restarts) enrolment: the secret takes effect once a first code confirms it. */
  async startTotp(ctx: Ctx): Promise<TotpEnrollment> {
    const userId = this.userOf(ctx);
    return inIdentity(this.deps.orm, async (em) => {
      const user = await em.findOneOrFail(User, { id: userId });
      if (user.totpEnabledAt) throw conflict('mfa_already_enabled', 'Two-factor authentication is already on; turn it off first to enrol a new device.');
      const secret = new Secret({ size: 20 });
      user.totpPendingSecretEnc = this.box.seal(secret.base32);
      await em.flush();
      return { object: 'totp_enrollment', secret: secret.base32, otpauth_uri: this.totp(secret.base32, user.email).toString() };
    });
  }

  async confirmTotp(ctx: Ctx, code: string): Promise<RecoveryCodes> {
    const userId = this.userOf(ctx);
    await this.deps.limits.consume('mfa', userId, 10);
    return inIdentity(this.deps.orm, async (em) => {
      const user = await em.findOneOrFail(User, { id: userId });
      if (user.totpEnabledAt) throw conflict('mfa_already_enabled', 'Two-factor authentication is already on.');
      if (!user.totpPendingSecretEnc) throw conflict('no_pending_enrollment', 'Start with POST /v1/me/mfa/totp, then confirm with a code from the app.');
      const counter = this.checkTotp(this.box.open(user.totpPendingSecretEnc), null, code);
      if (counter === null) throw this.invalidCode();
      user.totpSecretEnc = user.totpPendingSecretEnc;
      user.totpPendingSecretEnc = null;
      user.totpEnabledAt = new Date();
      user.totpLastCounter = counter;
      await em.nativeDelete(RecoveryCode, { userId });
      const codes = Array.from({ length: RECOVERY_CODES }, recoveryCode);
      for (const c of codes) em.persist(em.create(RecoveryCode, { id: newId('recoveryCode'), userId, codeHash: keyedHash(this.deps.config.secret, c) }));
      await em.flush();
      await recordForUser(em, ctx, userId, change('mfa.enrolled', toUserDto(user)));
      return { object: 'mfa_recovery_codes', recovery_codes: codes };
    });
  }

  /** Turning the second factor off needs a fresh code (or a recovery code), not just a session. */
  async disableTotp(ctx: Ctx, code: string): Promise<MfaStatus> {
    const userId = this.userOf(ctx);
    await this.deps.limits.consume('mfa', userId, 10);
    await inIdentity(this.deps.orm, async (em) => {
      const user = await em.findOneOrFail(User, { id: userId });
      if (!user.totpEnabledAt) throw conflict('mfa_not_enabled', 'Two-factor authentication is not on.');
      if (!(await this.verify(em, user, code))) throw this.invalidCode();
      user.totpSecretEnc = null;
      user.totpEnabledAt = null;
      user.totpLastCounter = null;
      await em.nativeDelete(RecoveryCode, { userId });
      await em.flush();
      await recordForUser(em, ctx, userId, change('mfa.disabled', toUserDto(user)));
    });
    return this.status(ctx);
  }

  /** Inside the password login's transaction: the challenge the second step must answer. */
  async challenge(em: EntityManager, userId: string, tenantId: string): Promise<MfaChallenge> {
    const token = `mfac_${randomToken(32)}`;
    em.persist(
      em.create(MfaChallengeRow, {
        id: newId('mfaChallenge'),
        userId,
        tenantId,
        tokenHash: keyedHash(this.deps.config.secret, token),
        expiresAt: new Date(Date.now() + CHALLENGE_TTL_SECONDS * 1000),
      }),
    );
    await em.flush();
    return { object: 'mfa_challenge', challenge: token, expires_in: CHALLENGE_TTL_SECONDS, factors: ['totp'] };
  }

  /** Checks the code against the challenge; returns whom to sign in, where. Five wrong codes end the challenge. */
  async completeChallenge(client: Client, input: MfaLogin): Promise<{ userId: string; tenantId: string }> {
    const tokenHash = keyedHash(this.deps.config.secret, input.challenge);
    await this.deps.limits.consume('mfa_challenge', `${client.ip ?? 'unknown'}|${tokenHash}`, 10);
    const outcome = await inIdentity(this.deps.orm, async (em) => {
      const row = await em.findOne(MfaChallengeRow, { tokenHash });
      if (!row || row.usedAt || row.expiresAt <= new Date() || row.attempts >= MAX_CHALLENGE_ATTEMPTS) {
        return { error: unauthorized('This sign-in challenge is invalid, expired or used up; sign in again.', 'invalid_mfa_challenge') };
      }
      const user = await em.findOneOrFail(User, { id: row.userId });
      if (!user.totpEnabledAt || !(await this.verify(em, user, input.code))) {
        row.attempts += 1;
        await em.flush();
        return { error: this.invalidCode() };
      }
      row.usedAt = new Date();
      await em.flush();
      return { userId: row.userId, tenantId: row.tenantId };
    });
    if ('error' in outcome) throw outcome.error;
    return outcome;
  }

  /** A TOTP code (never the same time step twice) or an unused recovery code (then used up). */
  private async verify(em: EntityManager, user: User, code: string): Promise<boolean> {
    if (/^\d{6}$/.test(code.trim())) {
      const counter = user.totpSecretEnc ? this.checkTotp(this.box.open(user.totpSecretEnc), user.totpLastCounter, code.trim()) : null;
      if (counter === null) return false;
      user.totpLastCounter = counter;
      return true;
    }
    const used = await em.nativeUpdate(
      RecoveryCode,
      { userId: user.id, codeHash: keyedHash(this.deps.config.secret, normalise(code)), usedAt: null },
      { usedAt: new Date() },
    );
    return used === 1;
  }

  private checkTotp(secret: string, lastCounter: number | null, code: string): number | null {
    const delta = this.totp(secret, '').validate({ token: code, window: 1 });
    if (delta === null) return null;
    const counter = Math.floor(Date.now() / 30_000) + delta;
    return lastCounter !== null && counter <= lastCounter ? null : counter;
  }

  private totp(secret: string, label: string): TOTP {
    return new TOTP({ issuer: 'Plinth', label, algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) });
  }

  private invalidCode() {
    return unprocessable('invalid_mfa_code', 'The code is wrong or was already used: use the current code from your authenticator app, or a recovery code.', [
      { path: 'code', message: 'is not a valid code' },
    ]);
  }

  private userOf(ctx: Ctx): string {
    if (!ctx.principal.userId) throw unauthorized('Two-factor settings need a user session, not an API key.', 'session_required');
    return ctx.principal.userId;
  }
}
