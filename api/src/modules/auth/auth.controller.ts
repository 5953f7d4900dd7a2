import type { Request as ExRequest } from 'express';
import { Body, Controller, Delete, Get, NoSecurity, OperationId, Path, Post, Request, Response, Route, Security, SuccessResponse, Tags } from '@tsoa/runtime';
import { clientOf, ctxOf } from '../../core/http/context.js';
import type { Problem } from '../../core/http/problem.js';
import type { AuthServices } from './module.js';
import type { MfaLogin } from './mfa.dto.js';
import type {
  Accepted,
  AuthTokens,
  Login,
  MfaChallenge,
  Me,
  PasswordResetConfirm,
  PasswordResetRequest,
  Refresh,
  SessionDto,
  Signup,
  TokenConfirm,
  UserDto,
} from './auth.dto.js';

export interface SessionList {
  object: 'list';
  data: SessionDto[];
  has_more: false;
  next_cursor: null;
}

export interface DeletedSession {
  id: string;
  object: 'session';
  deleted: true;
}

@Route('v1')
@Tags('Auth')
@Response<Problem>(422, 'Invalid fields')
export class AuthController extends Controller {
  constructor(private readonly services: AuthServices) {
    super();
  }

  /**
   * Creates a user, a new tenant with that user as owner, and a session. A verification email is sent.
   * @summary Sign up
   */
  @Post('auth/signup')
  @OperationId('signup')
  @NoSecurity()
  @SuccessResponse(201, 'Created')
  @Response<Problem>(409, 'An account with this email exists')
  async signup(@Request() req: ExRequest, @Body() body: Signup): Promise<AuthTokens> {
    this.setStatus(201);
    return this.services.signup.signup(clientOf(req), body);
  }

  /**
   * Signs in with email and password. Repeated failures from one address lock the pair out for a
   * growing time. A user with two-factor authentication gets an `mfa_challenge` instead of tokens:
   * finish with `POST /v1/auth/mfa`.
   * @summary Log in
   */
  @Post('auth/login')
  @OperationId('login')
  @NoSecurity()
  @Response<Problem>(401, 'Wrong email or password')
  @Response<Problem>(403, 'Not a member of the tenant, or tenant suspended')
  async login(@Request() req: ExRequest, @Body() body: Login): Promise<AuthTokens | MfaChallenge> {
    return this.services.sessions.login(clientOf(req), body);
  }

  /**
   * The second step of a login with two-factor authentication: the challenge from the login answer
   * and a code from the authenticator app (or a recovery code). Five wrong codes end the challenge.
   * @summary Complete a two-factor login
   */
  @Post('auth/mfa')
  @OperationId('completeMfaLogin')
  @NoSecurity()
  @Response<Problem>(401, 'The challenge is invalid, expired or used up')
  @Response<Problem>(422, 'The code is wrong or was already used')
  async completeMfaLogin(@Request() req: ExRequest, @Body() body: MfaLogin): Promise<AuthTokens> {
    return this.services.sessions.completeMfa(clientOf(req), body);
  }

  /**
   * Exchanges a refresh token for new tokens (the refresh token rotates). Reusing a rotated token revokes the session.
   * @summary Refresh a session
   */
  @Post('auth/refresh')
  @OperationId('refreshSession')
  @NoSecurity()
  @Response<Problem>(401, 'Invalid, expired or reused refresh token')
  @Response<Problem>(403, 'Not a member of the tenant, or tenant suspended')
  async refreshSession(@Request() req: ExRequest, @Body() body: Refresh): Promise<AuthTokens> {
    return this.services.sessions.refresh(clientOf(req), body);
  }

  /**
   * Ends the current session.
   * @summary Log out
   */
  @Post('auth/logout')
  @OperationId('logout')
  @SuccessResponse(204, 'Logged out')
  @Response<Problem>(401, 'Missing or invalid session')
  @Security('session')
  async logout(@Request() req: ExRequest): Promise<void> {
    this.setStatus(204);
    await this.services.sessions.logout(ctxOf(req));
  }

  /**
   * Sends a new verification email to the signed-in user.
   * @summary Resend email verification
   */
  @Post('auth/email-verification')
  @OperationId('requestEmailVerification')
  @SuccessResponse(202, 'Sent')
  @Response<Problem>(401, 'Missing or invalid session')
  @Response<Problem>(409, 'Already verified')
  @Security('session')
  async requestEmailVerification(@Request() req: ExRequest): Promise<Accepted> {
    this.setStatus(202);
    return this.services.emailTokens.requestEmailVerification(ctxOf(req));
  }

  /**
   * Confirms an email address with the token from the verification email (single use, 48 hours).
   * @summary Verify an email address
   */
  @Post('auth/email-verification/confirm')
  @OperationId('confirmEmailVerification')
  @NoSecurity()
  async confirmEmailVerification(@Request() req: ExRequest, @Body() body: TokenConfirm): Promise<UserDto> {
    return this.services.emailTokens.confirmEmailVerification(clientOf(req), body.token);
  }

  /**
   * Emails a password reset token (single use, 1 hour) if the address has an account. The answer is the same either way.
   * @summary Request a password reset
   */
  @Post('auth/password-reset')
  @OperationId('requestPasswordReset')
  @NoSecurity()
  @SuccessResponse(202, 'Accepted')
  async requestPasswordReset(@Request() req: ExRequest, @Body() body: PasswordResetRequest): Promise<Accepted> {
    this.setStatus(202);
    return this.services.emailTokens.requestPasswordReset(clientOf(req), body.email);
  }

  /**
   * Sets a new password with a reset token and signs the user out of every session.
   * @summary Reset a password
   */
  @Post('auth/password-reset/confirm')
  @OperationId('confirmPasswordReset')
  @NoSecurity()
  @SuccessResponse(204, 'Password changed')
  async confirmPasswordReset(@Request() req: ExRequest, @Body() body: PasswordResetConfirm): Promise<void> {
    this.setStatus(204);
    await this.services.emailTokens.confirmPasswordReset(clientOf(req), body);
  }

  /**
   * The signed-in user, the tenant this session acts in, and all their memberships.
   * @summary Retrieve the current user
   */
  @Get('me')
  @OperationId('getMe')
  @Tags('Sessions')
  @Response<Problem>(401, 'Missing or invalid session')
  @Security('session')
  async getMe(@Request() req: ExRequest): Promise<Me> {
    return this.services.sessions.me(ctxOf(req));
  }

  /**
   * The signed-in user's active sessions.
   * @summary List sessions
   */
  @Get('sessions')
  @OperationId('listSessions')
  @Tags('Sessions')
  @Response<Problem>(401, 'Missing or invalid session')
  @Security('session')
  async listSessions(@Request() req: ExRequest): Promise<SessionList> {
    return this.services.sessions.listSessions(ctxOf(req));
  }

  /**
   * Revokes one of the signed-in user's sessions (sign out a device).
   * @summary Revoke a session
   * @maxLength id 64
   */
  @Delete('sessions/{id}')
  @OperationId('deleteSession')
  @Tags('Sessions')
  @Response<Problem>(401, 'Missing or invalid session')
  @Response<Problem>(404, 'No such session')
  @Security('session')
  async deleteSession(@Request() req: ExRequest, @Path() id: string): Promise<DeletedSession> {
    return this.services.sessions.revokeSession(ctxOf(req), id);
  }
}
