import { Readable } from 'node:stream';
import type { Request as ExRequest } from 'express';
import {
  Body,
  Consumes,
  Controller,
  Delete,
  Get,
  OperationId,
  Patch,
  Path,
  Post,
  Produces,
  Query,
  Request,
  Response,
  Route,
  Security,
  SuccessResponse,
  Tags,
} from '@tsoa/runtime';
import { clientOf, ctxOf } from '../../core/http/context.js';
import type { List } from '../../core/http/pagination.js';
import type { Problem } from '../../core/http/problem.js';
import type { AuthTokens } from '../auth/index.js';
import type { SsoServices } from './module.js';
import type { DeletedSsoConnection, SamlAcsForm, SsoConnectionCreate, SsoConnectionDto, SsoConnectionUpdate, SsoTokenRequest } from './sso.dto.js';

@Route('v1/sso')
@Tags('SSO')
@Response<Problem>(422, 'Invalid fields')
export class SsoController extends Controller {
  constructor(private readonly services: SsoServices) {
    super();
  }

  /**
   * Creates a SAML or OIDC connection to the tenant's identity provider. SAML takes the IdP's
   * metadata XML (or entity id, SSO URL and certificate); OIDC takes the issuer, whose discovery
   * document is read now, and a client id and secret (stored encrypted).
   * @summary Create an SSO connection
   */
  @Post('connections')
  @OperationId('createSsoConnection')
  @SuccessResponse(201, 'Created')
  @Response<Problem>(401, 'Missing or invalid credentials')
  @Response<Problem>(403, 'Missing permission or tenant suspended')
  @Response<Problem>(409, 'A domain belongs to another connection')
  @Security('apiKey', ['sso:write'])
  @Security('session', ['sso:write'])
  async createSsoConnection(@Request() req: ExRequest, @Body() body: SsoConnectionCreate): Promise<SsoConnectionDto> {
    this.setStatus(201);
    return this.services.ssoConnections.create(ctxOf(req), body);
  }

  /**
   * Lists the tenant's SSO connections, newest first.
   * @summary List SSO connections
   * @param limit How many to return, 1 to 100 (default 20).
   * @param starting_after The `next_cursor` of the previous page.
   * @isInt limit
   * @minimum limit 1
   * @maximum limit 100
   * @maxLength starting_after 64
   */
  @Get('connections')
  @OperationId('listSsoConnections')
  @Response<Problem>(401, 'Missing or invalid credentials')
  @Response<Problem>(403, 'Missing permission or tenant suspended')
  @Security('apiKey', ['sso:read'])
  @Security('session', ['sso:read'])
  async listSsoConnections(@Request() req: ExRequest, @Query() limit?: number, @Query() starting_after?: string): Promise<List<SsoConnectionDto>> {
    return this.services.ssoConnections.list(ctxOf(req), { limit, startingAfter: starting_after });
  }

  /**
   * Returns a connection with its IdP settings, certificate fingerprints and expiry dates, and the
   * service-provider values to enter at the IdP. The OIDC client secret is never returned.
   * @summary Retrieve an SSO connection
   * @maxLength id 64
   */
  @Get('connections/{id}')
  @OperationId('getSsoConnection')
  @Response<Problem>(401, 'Missing or invalid credentials')
  @Response<Problem>(403, 'Missing permission or tenant suspended')
  @Response<Problem>(404, 'No such connection')
  @Security('apiKey', ['sso:read'])
  @Security('session', ['sso:read'])
  async getSsoConnection(@Request() req: ExRequest, @Path() id: string): Promise<SsoConnectionDto> {
    return this.services.ssoConnections.get(ctxOf(req), id);
  }

  /**
   * Changes a connection. Fields left out keep their values; a new certificate or client secret
   * replaces the old one.
   * @summary Update an SSO connection
   * @maxLength id 64
   */
  @Patch('connections/{id}')
  @OperationId('updateSsoConnection')
  @Response<Problem>(401, 'Missing or invalid credentials')
  @Response<Problem>(403, 'Missing permission or tenant suspended')
  @Response<Problem>(404, 'No such connection')
  @Response<Problem>(409, 'A domain belongs to another connection')
  @Security('apiKey', ['sso:write'])
  @Security('session', ['sso:write'])
  async updateSsoConnection(@Request() req: ExRequest, @Path() id: string, @Body() body: SsoConnectionUpdate): Promise<SsoConnectionDto> {
    return this.services.ssoConnections.update(ctxOf(req), id, body);
  }

  /**
   * Deletes a connection; its users keep their memberships.
   * @summary Delete an SSO connection
   * @maxLength id 64
   */
  @Delete('connections/{id}')
  @OperationId('deleteSsoConnection')
  @Response<Problem>(401, 'Missing or invalid credentials')
  @Response<Problem>(403, 'Missing permission or tenant suspended')
  @Response<Problem>(404, 'No such connection')
  @Response<Problem>(409, 'The tenant requires SSO and this is its last connection')
  @Security('apiKey', ['sso:write'])
  @Security('session', ['sso:write'])
  async deleteSsoConnection(@Request() req: ExRequest, @Path() id: string): Promise<DeletedSsoConnection> {
    return this.services.ssoConnections.remove(ctxOf(req), id);
  }

  /**
   * Plinth's service-provider metadata for a SAML connection (entity id, ACS URL), to upload at the IdP.
   * @summary Get SAML service-provider metadata
   * @maxLength id 64
   */
  @Get('connections/{id}/saml-metadata')
  @OperationId('getSsoConnectionSamlMetadata')
  @Produces('application/samlmetadata+xml')
  @Response<Problem>(401, 'Missing or invalid credentials')
  @Response<Problem>(403, 'Missing permission or tenant suspended')
  @Response<Problem>(404, 'No such connection')
  @Security('apiKey', ['sso:read'])
  @Security('session', ['sso:read'])
  async getSsoConnectionSamlMetadata(@Request() req: ExRequest, @Path() id: string): Promise<Readable> {
    const xml = await this.services.ssoConnections.samlMetadata(ctxOf(req), id);
    this.setHeader('Content-Type', 'application/samlmetadata+xml; charset=utf-8');
    return Readable.from([xml]);
  }

  /**
   * Starts a sign-in: send the user's browser here and Plinth redirects it to the identity provider.
   * Choose the connection by `connection`, by the user's `email` (its domain), or by `tenant` (when the
   * tenant has one connection). After the IdP, Plinth redirects to `redirect_uri` (which must be on
   * the tenant's `sso_redirect_uris`) with `code` and your `state`; exchange the code at
   * `POST /v1/sso/token`. Public clients should send a PKCE `code_challenge`.
   * @summary Start an SSO sign-in
   * @param connection An SSO connection id.
   * @param email The user's email: its domain picks the connection, and the IdP gets it as a login hint.
   * @param tenant A tenant with exactly one active connection.
   * @param redirect_uri Where to return with the code; exact match against the tenant's allow-list.
   * @param state Your opaque value, returned unchanged with the code.
   * @param code_challenge PKCE: base64url SHA-256 of a code verifier you keep.
   * @param code_challenge_method Only `S256`.
   * @maxLength connection 64
   * @maxLength email 320
   * @maxLength tenant 64
   * @maxLength redirect_uri 2000
   * @maxLength state 1000
   * @maxLength code_challenge 128
   * @maxLength code_challenge_method 10
   */
  @Get('authorize')
  @OperationId('authorizeSso')
  @SuccessResponse(302, 'Redirect to the identity provider')
  @Response<Problem>(403, 'The connection is inactive or the tenant suspended')
  @Response<Problem>(404, 'No such connection')
  async authorizeSso(
    @Request() req: ExRequest,
    @Query() redirect_uri: string,
    @Query() connection?: string,
    @Query() email?: string,
    @Query() tenant?: string,
    @Query() state?: string,
    @Query() code_challenge?: string,
    @Query() code_challenge_method?: string,
  ): Promise<void> {
    const location = await this.services.sso.authorize(clientOf(req), {
      connection,
      email,
      tenant,
      redirect_uri,
      state,
      code_challenge,
      code_challenge_method,
    });
    this.redirect(location);
  }

  /**
   * The SAML assertion consumer service the identity provider posts to (HTTP-POST binding). On success
   * it redirects to the sign-in's `redirect_uri` with a code; a refused response answers a problem
   * naming the reason (`saml_invalid_signature`, `saml_replayed`, `saml_wrong_audience`, ...).
   * @summary SAML assertion consumer service
   * @maxLength connection_id 64
   */
  @Post('saml/{connection_id}/acs')
  @OperationId('consumeSamlResponse')
  @Consumes('application/x-www-form-urlencoded')
  @SuccessResponse(302, 'Redirect to the redirect_uri with a code')
  @Response<Problem>(401, 'The SAML response was refused')
  @Response<Problem>(403, 'The connection is inactive, or the user may not sign in')
  @Response<Problem>(404, 'No such connection')
  async consumeSamlResponse(@Request() req: ExRequest, @Path() connection_id: string, @Body() body: SamlAcsForm): Promise<void> {
    this.redirect(await this.services.sso.samlAcs(clientOf(req), connection_id, body));
  }

  /**
   * The OpenID Connect redirect URI to register at the provider. On success it redirects to the
   * sign-in's `redirect_uri` with a code; a refusal answers a problem naming the reason
   * (`oidc_invalid_state`, `oidc_invalid_nonce`, `oidc_invalid_code`, `oidc_wrong_issuer`, ...).
   * @summary OIDC redirect URI
   * @param code The provider's authorization code.
   * @param state The state Plinth sent.
   * @param iss The issuer (RFC 9207), when the provider sends it.
   * @param error The provider's error code, when it refused.
   * @param error_description The provider's error text.
   * @maxLength code 2000
   * @maxLength state 200
   * @maxLength iss 2000
   * @maxLength error 200
   * @maxLength error_description 2000
   */
  @Get('oidc/callback')
  @OperationId('completeOidcSignIn')
  @SuccessResponse(302, 'Redirect to the redirect_uri with a code')
  @Response<Problem>(401, 'The provider response was refused')
  @Response<Problem>(403, 'The connection is inactive, or the user may not sign in')
  async completeOidcSignIn(
    @Request() req: ExRequest,
    @Query() state: string,
    @Query() code?: string,
    @Query() iss?: string,
    @Query() error?: string,
    @Query() error_description?: string,
  ): Promise<void> {
    this.redirect(await this.services.sso.oidcCallback(clientOf(req), { state, code, iss, error, error_description }));
  }

  /**
   * Exchanges the single-use code (60 seconds) from the redirect for the same tokens a password
   * sign-in answers. With PKCE, send the `code_verifier`.
   * @summary Exchange an SSO code for tokens
   */
  @Post('token')
  @OperationId('exchangeSsoCode')
  @Response<Problem>(401, 'The code is invalid, expired or used, or the verifier is wrong')
  @Response<Problem>(403, 'The tenant is suspended')
  async exchangeSsoCode(@Request() req: ExRequest, @Body() body: SsoTokenRequest): Promise<AuthTokens> {
    return this.services.sso.token(clientOf(req), body);
  }

  private redirect(location: string): void {
    this.setStatus(302);
    this.setHeader('Location', location);
    this.setHeader('Cache-Control', 'no-store');
  }
}
