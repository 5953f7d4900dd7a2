import { createHmac } from 'node:crypto';
import { signAccessToken, verifyAccessToken } from '../src/core/auth/tokens';

const SECRET = 'test-secret-0123456789abcdefghijklmnopqrstuvwxyz';
const claims = { sub: 'usr_01JDA4Y7Q5X3M8N2P6R9T0V1W2', sid: 'ses_01JDA4Y7Q5X3M8N2P6R9T0V1W2', ten: 'ten_01JDA4Y7Q5X3M8N2P6R9T0V1W2' };
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** A token exactly as Plinth signed them before jose: sessions signed in earlier must keep working. */
function handRolledToken(secret: string, payload: object, header: object = { alg: 'HS256', typ: 'JWT' }): string {
  const body = `${b64(header)}.${b64(payload)}`;
  return `${body}.${createHmac('sha256', `access-token:${secret}`).update(body).digest('base64url')}`;
}

const now = () => Math.floor(Date.now() / 1000);

describe('session access tokens', () => {
  it('verifies tokens signed before the move to jose, and signs the same bytes for the same claims and clock', async () => {
    const iat = now();
    const earlier = handRolledToken(SECRET, { ...claims, iat, exp: iat + 900 });
    expect(await verifyAccessToken(SECRET, earlier)).toEqual({ ...claims, iat, exp: iat + 900 });
    const spy = jest.spyOn(Date, 'now').mockReturnValue(iat * 1000);
    try {
      expect(await signAccessToken(SECRET, claims, 900)).toBe(earlier);
    } finally {
      spy.mockRestore();
    }
  });

  it('round-trips its own tokens', async () => {
    const token = await signAccessToken(SECRET, claims, 60);
    expect(await verifyAccessToken(SECRET, token)).toMatchObject({ ...claims, exp: expect.any(Number), iat: expect.any(Number) });
  });

  it('refuses expired, forged, re-keyed, unsigned and malformed tokens', async () => {
    const iat = now();
    const expired = handRolledToken(SECRET, { ...claims, iat: iat - 1000, exp: iat - 1 });
    const valid = await signAccessToken(SECRET, claims, 60);
    const [header, , signature] = valid.split('.');
    const forged = `${header}.${b64({ ...claims, ten: 'ten_01JDA4Y7Q5X3M8N2P6R9T0V1W3', iat, exp: iat + 60 })}.${signature}`;
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, iat, exp: iat + 60 })}.`;
    const otherAlg = handRolledToken(SECRET, { ...claims, iat, exp: iat + 60 }, { alg: 'HS512', typ: 'JWT' });
    const noExpiry = handRolledToken(SECRET, { ...claims, iat });
    for (const token of [expired, forged, unsigned, otherAlg, noExpiry, 'eyJ.eyJ.x', 'eyJhbGciOiJIUzI1NiJ9.e30', '', 'not a token']) {
      expect(await verifyAccessToken(SECRET, token)).toBeUndefined();
    }
    expect(await verifyAccessToken('another-secret-0123456789abcdefghijklmnop', valid)).toBeUndefined();
  });
});
