import * as oidc from 'openid-client';
import { unsafeUrlReason } from '../../core/net/ssrf.js';
import { unprocessable } from '../../core/http/errors.js';
import { SsoFailure } from './saml.js';
import type { OidcSettings } from './sso.entity.js';

const reject = (code: string, detail: string) => new SsoFailure(401, code, detail);
const DISCOVERY_TTL_MS = 10 * 60_000;

/**
 * OpenID Connect through openid-client: discovery, the authorization URL (PKCE S256, state, nonce),
 * and the code grant, which checks the ID token's signature, issuer, audience, expiry and nonce.
 * Every request the client makes passes the SSRF guard first.
 */
export class OidcEngine {
  private readonly configs = new Map<string, { at: number; config: Promise<oidc.Configuration> }>();

  constructor(
    private readonly allowPrivateNetworks: boolean,
    private readonly openSecret: (sealed: string) => string,
  ) {}

  /** Reads the discovery document when a connection is saved: a wrong issuer is a 422, not a failed sign-in later. */
  async check(settings: OidcSettings): Promise<void> {
    try {
      await this.discover(settings);
    } catch (err) {
      throw unprocessable('oidc_discovery_failed', `The issuer's discovery document could not be used: ${messageOf(err)}.`, [
        { path: 'oidc.issuer', message: 'must serve /.well-known/openid-configuration naming itself as issuer' },
      ]);
    }
  }

  forget(connectionId: string): void {
    for (const key of this.configs.keys()) if (key.startsWith(`${connectionId}|`)) this.configs.delete(key);
  }

  async authorizationUrl(
    connectionId: string,
    settings: OidcSettings,
    params: { redirectUri: string; state: string; nonce: string; codeVerifier: string; loginHint?: string },
  ): Promise<string> {
    const config = await this.configFor(connectionId, settings);
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: params.redirectUri,
      scope: [...new Set(['openid', ...settings.scopes])].join(' '),
      response_type: 'code',
      state: params.state,
      nonce: params.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(params.codeVerifier),
      code_challenge_method: 'S256',
      ...(params.loginHint ? { login_hint: params.loginHint } : {}),
    });
    return url.href;
  }

  /** Exchanges the code and returns the ID token's claims merged over the provider's userinfo. */
  async complete(
    connectionId: string,
    settings: OidcSettings,
    callbackUrl: URL,
    checks: { state: string; nonce: string; codeVerifier: string },
  ): Promise<Record<string, unknown>> {
    const config = await this.configFor(connectionId, settings);
    try {
      const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: checks.codeVerifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (!claims) throw reject('oidc_no_id_token', 'The provider returned no ID token.');
      // Many providers keep email, name and groups out of the ID token: userinfo has them.
      const userinfo = config.serverMetadata().userinfo_endpoint ? await oidc.fetchUserInfo(config, tokens.access_token, claims.sub) : {};
      return { ...userinfo, ...claims };
    } catch (err) {
      if (err instanceof SsoFailure) throw err;
      throw explain(err);
    }
  }

  private configFor(connectionId: string, settings: OidcSettings): Promise<oidc.Configuration> {
    const key = `${connectionId}|${settings.issuer}|${settings.clientId}|${settings.clientSecretEnc}`;
    const hit = this.configs.get(key);
    if (hit && Date.now() - hit.at < DISCOVERY_TTL_MS) return hit.config;
    const config = this.discover(settings);
    this.configs.set(key, { at: Date.now(), config });
    config.catch(() => this.configs.delete(key));
    return config;
  }

  private async discover(settings: OidcSettings): Promise<oidc.Configuration> {
    const guardedFetch: oidc.CustomFetch = async (url, options) => {
      const reason = await unsafeUrlReason(url, this.allowPrivateNetworks);
      if (reason) throw new Error(`the provider URL ${url} ${reason}`);
      if (!this.allowPrivateNetworks && !url.startsWith('https:')) throw new Error(`the provider URL ${url} must use https`);
      return fetch(url, { ...options, redirect: 'manual', signal: AbortSignal.timeout(10_000) } as RequestInit);
    };
    return oidc.discovery(new URL(settings.issuer), settings.clientId, undefined, oidc.ClientSecretPost(this.openSecret(settings.clientSecretEnc)), {
      [oidc.customFetch]: guardedFetch,
      execute: this.allowPrivateNetworks ? [oidc.allowInsecureRequests] : [],
    });
  }
}

function messageOf(err: unknown): string {
  const cause = err instanceof Error && err.cause instanceof Error ? ` (${err.cause.message})` : '';
  return (err instanceof Error ? err.message : String(err)) + cause;
}

function explain(err: unknown): SsoFailure {
  const message = messageOf(err);
  const code = (err as { code?: string; error?: string }).error;
  if (code === 'invalid_grant')
    return reject('oidc_invalid_code', 'The provider refused the authorization code: it is expired, already used or not issued to Plinth.');
  if (/nonce/i.test(message)) return reject('oidc_invalid_nonce', 'The ID token does not carry the nonce of this sign-in (a token from another sign-in).');
  if (/"iss"|issuer/i.test(message)) return reject('oidc_wrong_issuer', "The ID token or response comes from another issuer than this connection's provider.");
  if (/"aud"|audience/i.test(message)) return reject('oidc_wrong_audience', 'The ID token was issued to another client.');
  if (/state/i.test(message)) return reject('oidc_invalid_state', 'The state returned by the provider does not match this sign-in.');
  if (/expired|"exp"|"iat"/i.test(message)) return reject('oidc_token_expired', 'The ID token has expired or was issued in the future.');
  return reject('oidc_failed', `The provider's answer could not be verified: ${message}.`);
}
