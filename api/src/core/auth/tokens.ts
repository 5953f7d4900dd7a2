import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

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

const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
const HEADER = b64({ alg: 'HS256', typ: 'JWT' });

/** Access tokens are short-lived HS256 JWTs; the session they name is checked on every request. */
export function signAccessToken(secret: string, claims: Omit<AccessClaims, 'iat' | 'exp'>, ttlSeconds: number): string {
  const iat = Math.floor(Date.now() / 1000);
  const body = `${HEADER}.${b64({ ...claims, iat, exp: iat + ttlSeconds })}`;
  const sig = createHmac('sha256', `access-token:${secret}`).update(body).digest('base64url');
  return `${body}.${sig}`;
}

export function verifyAccessToken(secret: string, token: string): AccessClaims | undefined {
  const [header, payload, sig] = token.split('.');
  if (!header || !payload || !sig || header !== HEADER) return undefined;
  const expected = createHmac('sha256', `access-token:${secret}`).update(`${header}.${payload}`).digest();
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as AccessClaims;
    if (typeof claims.exp !== 'number' || claims.exp * 1000 <= Date.now()) return undefined;
    return claims;
  } catch {
    return undefined;
  }
}

export function looksLikeJwt(token: string): boolean {
  return token.startsWith('eyJ') && token.split('.').length === 3;
}
