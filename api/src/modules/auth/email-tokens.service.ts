import type { EntityManager } from '@mikro-orm/postgresql';
import type { Ctx } from '../../core/auth/principal.js';
import { keyedHash, randomToken } from '../../core/auth/tokens.js';
import type { Deps } from '../../core/deps.js';
import { inIdentity } from '../../core/db/unit-of-work.js';
import { change } from '../../core/events/change.js';
import { conflict, unprocessable } from '../../core/http/errors.js';
import type { EmailTokenPurpose, User } from './auth.entity.js';
import type { Accepted, PasswordResetConfirm, UserDto } from './auth.dto.js';
import { findEmailToken, getUser, insertEmailToken, revokeAllSessionsOfUser } from './auth.repository.js';
import { hashPassword } from './passwords.js';
import { userByEmail } from './users.repository.js';
import { recordForUser, toUserDto, type Client } from './user-events.js';

const MAIL: Record<EmailTokenPurpose, { prefix: string; ttlSeconds: number; subject: string; text: (token: string) => string }> = {
  verify_email: {
    prefix: 'ev',
    ttlSeconds: 48 * 3600,
    subject: 'Verify your email address',
    text: (token) => `Confirm your email address with this token (valid 48 hours):\n\n${token}\n`,
  },
  password_reset: {
    prefix: 'pr',
    ttlSeconds: 3600,
    subject: 'Reset your password',
    text: (token) => `Reset your password with this token (valid 1 hour). If you did not ask for it, ignore this email.\n\n${token}\n`,
  },
};

/**
 * What a user proves with a single-use, expiring token mailed to their address: that the address is
 * theirs (email verification), or that they may set a new password (password reset). Only the token's
 * keyed hash is stored. These routes need no permission: the session or the token is the proof.
 */
export class EmailTokensService {
  constructor(private readonly deps: Deps) {}

  async requestEmailVerification(ctx: Ctx): Promise<Accepted> {
    const user = await inIdentity(this.deps.orm, (em) => getUser(em, ctx.principal.userId!));
    if (user.emailVerifiedAt) throw conflict('email_already_verified', 'This email address is already verified.');
    await this.send(user.id, user.email, 'verify_email');
    return { object: 'accepted', message: 'A verification email is on its way.' };
  }

  async confirmEmailVerification(client: Client, token: string): Promise<UserDto> {
    return inIdentity(this.deps.orm, async (em) => {
      const user = await this.redeem(em, token, 'verify_email');
      const wasVerified = !!user.emailVerifiedAt;
      user.emailVerifiedAt ??= new Date();
      await em.flush();
      const dto = toUserDto(user);
      if (!wasVerified) await recordForUser(em, client, user.id, change('user.email_verified', dto, { email_verified: false }));
      return dto;
    });
  }

  /** Always answers the same, whether or not the address has an account. */
  async requestPasswordReset(client: Client, email: string): Promise<Accepted> {
    await this.deps.limits.consume('password_reset', `${client.ip ?? 'unknown'}|${email.toLowerCase()}`, 5);
    const user = await inIdentity(this.deps.orm, (em) => userByEmail(em, email));
    if (user) await this.send(user.id, user.email, 'password_reset');
    return { object: 'accepted', message: 'If an account exists for this address, we sent it an email.' };
  }

  /** Sets the new password and signs the user out everywhere. */
  async confirmPasswordReset(client: Client, input: PasswordResetConfirm): Promise<void> {
    const passwordHash = await hashPassword(input.password);
    await inIdentity(this.deps.orm, async (em) => {
      const user = await this.redeem(em, input.token, 'password_reset');
      user.passwordHash = passwordHash;
      user.emailVerifiedAt ??= new Date();
      await em.flush();
      await revokeAllSessionsOfUser(em, user.id);
      await recordForUser(em, client, user.id, change('user.password_changed', toUserDto(user)));
    });
  }

  /** Stores a new token, then mails it. A failed send is logged, not raised: the user can ask again. */
  async send(userId: string, email: string, purpose: EmailTokenPurpose): Promise<void> {
    const mail = MAIL[purpose];
    const token = `${mail.prefix}_${randomToken(40)}`;
    await inIdentity(this.deps.orm, (em) =>
      insertEmailToken(em, {
        userId,
        purpose,
        tokenHash: keyedHash(this.deps.config.secret, token),
        expiresAt: new Date(Date.now() + mail.ttlSeconds * 1000),
      }),
    );
    try {
      await this.deps.mailer.send({ to: email, subject: mail.subject, text: mail.text(token) });
    } catch (err) {
      this.deps.log.error({ err: String(err) }, 'sending mail failed');
    }
  }

  /** Uses up the token (inside the caller's transaction) and returns its user. */
  private async redeem(em: EntityManager, token: string, purpose: EmailTokenPurpose): Promise<User> {
    const row = await findEmailToken(em, keyedHash(this.deps.config.secret, token), purpose);
    if (!row || row.usedAt || row.expiresAt <= new Date()) {
      throw unprocessable('invalid_token', 'This token is invalid, expired or already used; ask for a new one.', [
        { path: 'token', message: 'is invalid, expired or used' },
      ]);
    }
    row.usedAt = new Date();
    return getUser(em, row.userId);
  }
}
