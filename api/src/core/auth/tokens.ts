import { createHmac, randomBytes } from 'node:crypto';

/** Keyed hash for secrets at rest (API keys, refresh/email/invitation tokens): a DB leak alone reveals nothing usable. */
export function keyedHash(secret: string, value: string): string {
  return createHmac('sha256', secret).update(value).digest('hex');
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A random base62 string (rejection sampling, so every character is uniform). */
export function randomToken(length = 32): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += ALPHABET[byte % 62];
    }
  }
  return out;
}

export interface AccessClaims {
  sub: string;
  sid: string;
  ten: string;
  iat: number;
  exp: number;
}

/** jose, loaded with the first token signed or verified rather than on every start (~0.1 s of module loading). */
let jose: Promise<typeof import('jose')> | undefined;
const loadJose = () => (jose ??= import('jose'));

/**
 * The HMAC key of access tokens, imported into WebCrypto once per secret (one per deployment): every
 * session request verifies a token, and importing the key each time would double the cost.
 */
const accessKeys = new Map<string, Promise<CryptoKey>>();
function accessKey(secret: string): Promise<CryptoKey> {
  let key = accessKeys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey('raw', new TextEncoder().encode(`access-token:${secret}`), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    accessKeys.set(secret, key);
  }
  return key;
}

/**
 * Access tokens are short-lived HS256 JWTs (header `{"alg":"HS256","typ":"JWT"}`, claims `sub`, `sid`,
 * `ten`, `iat`, `exp`); the session they name is checked on every request.
 */
export async function signAccessToken(secret: string, claims: Omit<AccessClaims, 'iat' | 'exp'>, ttlSeconds: number): Promise<string> {
  const iat = Math.floor(Date.now() / 1000);
  const { SignJWT } = await loadJose();
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttlSeconds)
    .sign(await accessKey(secret));
}

/** The claims of a valid, unexpired access token; undefined for anything else (forged, expired, malformed). */
export async function verifyAccessToken(secret: string, token: string): Promise<AccessClaims | undefined> {
  try {
    const { jwtVerify } = await loadJose();
    const { payload } = await jwtVerify<AccessClaims>(token, await accessKey(secret), { algorithms: ['HS256'], typ: 'JWT', requiredClaims: ['exp'] });
    return payload;
  } catch {
    return undefined;
  }
}

export function looksLikeJwt(token: string): boolean {
  return token.startsWith('eyJ') && token.split('.').length === 3;
}
