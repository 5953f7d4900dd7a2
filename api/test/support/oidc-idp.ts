import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export interface OidcIdp {
  issuer: string;
  /** A second issuer whose discovery document claims its own name but sends users to `issuer`. */
  impostorIssuer: string;
  close(): Promise<void>;
}

/**
 * oidc-provider (a certified OpenID provider) on loopback. Its interaction pages are replaced by a
 * handler that signs in the `login_hint` account and grants consent, so a test "browser" only
 * follows redirects. Client `plinth-slow` gets authorization codes that expire after one second.
 */
export async function startOidcIdp(redirectUri: string, groups: string[] = []): Promise<OidcIdp> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = (id: string) => ({
    client_id: id,
    client_secret: `${id}-secret`,
    redirect_uris: [redirectUri],
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_post',
  });
  const jwk = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const warn = console.warn;
  console.warn = () => undefined; // the in-memory adapter notice: fine for a test provider
  const provider = new Provider(issuer, {
    jwks: { keys: [{ ...jwk, kid: 'test', use: 'sig', alg: 'RS256' }] },
    clients: [client('plinth'), client('plinth-slow')],
    findAccount: async (_ctx: unknown, id: string) => ({
      accountId: id,
      claims: async () => ({ sub: `sub-${id}`, email: id, email_verified: true, name: 'Olive Doe', groups }),
    }),
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
    scopes: ['openid', 'email', 'profile', 'groups'],
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    ttl: {
      AuthorizationCode: (_ctx: unknown, _code: unknown, c: { clientId: string }) => (c.clientId === 'plinth-slow' ? 1 : 60),
      Session: 3600,
      Grant: 3600,
      Interaction: 600,
      AccessToken: 600,
      IdToken: 600,
    },
    cookies: { keys: ['test-cookie-key'] },
  } as never);
  console.warn = warn;
  provider.on('server_error', () => undefined);
  const callback = provider.callback();
  server.on('request', (req, res) => {
    if (!req.url?.startsWith('/interaction/')) return void callback(req, res);
    void (async () => {
      const details = await provider.interactionDetails(req, res);
      if (details.prompt.name === 'login') {
        const accountId = String(details.params.login_hint ?? 'olive@example.com');
        await provider.interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false });
        return;
      }
      const grant = new provider.Grant({ accountId: details.session!.accountId, clientId: String(details.params.client_id) });
      grant.addOIDCScope(String(details.params.scope));
      await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
    })().catch((err: unknown) => {
      res.statusCode = 500;
      res.end(String(err));
    });
  });

  // The impostor serves a discovery document naming itself, with the real provider's endpoints.
  const impostor: Server = createServer((req, res) => {
    void fetch(`${issuer}/.well-known/openid-configuration`)
      .then((r) => r.json())
      .then((doc: Record<string, unknown>) => {
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify({ ...doc, issuer: impostorIssuer }));
      });
    void req;
  });
  await new Promise<void>((resolve) => impostor.listen(0, '127.0.0.1', resolve));
  const impostorIssuer = `http://127.0.0.1:${(impostor.address() as AddressInfo).port}`;
  return {
    issuer,
    impostorIssuer,
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      await new Promise((resolve) => impostor.close(resolve));
    },
  };
}

/** A browser's redirect-following with a cookie jar, until a redirect leaves for `stopAt`. */
export async function followUntil(start: string, stopAt: string, rewrite?: (url: URL) => URL): Promise<URL> {
  const jar = new Map<string, string>();
  let url = new URL(start);
  if (rewrite) url = rewrite(url);
  for (let hop = 0; hop < 20; hop++) {
    if (url.href.startsWith(stopAt)) return url;
    const res = await fetch(url, { redirect: 'manual', headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      jar.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1));
    }
    const location = res.headers.get('location');
    if (!location) throw new Error(`the provider answered ${res.status} without a redirect at ${url.href}: ${await res.text()}`);
    url = new URL(location, url);
  }
  throw new Error('too many redirects');
}
