import type { Request as ExRequest } from 'express';
import { Body, Controller, Delete, Get, OperationId, Post, Request, Response, Route, Security, Tags } from '@tsoa/runtime';
import { ctxOf } from '../../core/http/context.js';
import type { Problem } from '../../core/http/problem.js';
import type { AuthServices } from './module.js';
import type { MfaCode, MfaStatus, RecoveryCodes, TotpEnrollment } from './mfa.dto.js';

/** The signed-in user's second factor. Session only: an API key has no user to protect. */
@Route('v1/me/mfa')
@Tags('Sessions')
@Response<Problem>(422, 'Invalid fields')
export class MfaController extends Controller {
  constructor(private readonly services: AuthServices) {
    super();
  }

  /**
   * Whether two-factor authentication is on, and how many recovery codes are left.
   * @summary Retrieve two-factor status
   */
  @Get()
  @OperationId('getMfaStatus')
  @Security('session')
  async getMfaStatus(@Request() req: ExRequest): Promise<MfaStatus> {
    return this.services.mfa.status(ctxOf(req));
  }

  /**
   * Starts TOTP enrolment: a new secret and its otpauth:// URI (show it as a QR code). It takes effect
   * when confirmed with a first code.
   * @summary Start TOTP enrolment
   */
  @Post('totp')
  @OperationId('startTotpEnrollment')
  @Response<Problem>(409, 'Two-factor authentication is already on')
  @Security('session')
  async startTotpEnrollment(@Request() req: ExRequest): Promise<TotpEnrollment> {
    return this.services.mfa.startTotp(ctxOf(req));
  }

  /**
   * Confirms enrolment with a code from the app, turning two-factor authentication on. Answers the
   * 10 single-use recovery codes, shown this once.
   * @summary Confirm TOTP enrolment
   */
  @Post('totp/confirm')
  @OperationId('confirmTotpEnrollment')
  @Response<Problem>(409, 'No enrolment is pending, or two-factor authentication is already on')
  @Security('session')
  async confirmTotpEnrollment(@Request() req: ExRequest, @Body() body: MfaCode): Promise<RecoveryCodes> {
    return this.services.mfa.confirmTotp(ctxOf(req), body.code);
  }

  /**
   * Turns two-factor authentication off. Needs a current code (or a recovery code), not just a session.
   * @summary Turn off two-factor authentication
   */
  @Delete('totp')
  @OperationId('disableTotp')
  @Response<Problem>(409, 'Two-factor authentication is not on')
  @Security('session')
  async disableTotp(@Request() req: ExRequest, @Body() body: MfaCode): Promise<MfaStatus> {
    return this.services.mfa.disableTotp(ctxOf(req), body.code);
  }
}
