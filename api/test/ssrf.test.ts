import { isPrivateAddress, unsafeUrlReason } from '../src/core/net/ssrf';
import { createTestApp, expectProblem, newTenant } from './harness';

describe('the SSRF guard', () => {
  it.each([
    ['unspecified', ['0.0.0.0', '0.1.2.3', '::']],
    ['loopback', ['127.0.0.1', '127.255.0.9', '::1']],
    ['private', ['10.1.2.3', '172.16.0.5', '172.31.255.255', '192.168.1.1', 'fc00::1', 'fd00:ec2::254']],
    ['carrier-grade NAT', ['100.64.0.1', '100.127.255.254']],
    ['link-local, cloud metadata', ['169.254.169.254', 'fe80::1', 'fe80::1%eth0']],
    ['multicast and broadcast', ['224.0.0.1', '239.255.255.250', 'ff02::1', '255.255.255.255']],
    [
      'reserved, documentation and benchmarking',
      ['192.0.0.8', '192.0.2.1', '198.18.0.1', '198.19.255.1', '198.51.100.7', '203.0.113.9', '240.0.0.1', '2001:db8::1'],
    ],
    ['IPv4 inside IPv6', ['::ffff:127.0.0.1', '::ffff:a9fe:a9fe', '::127.0.0.1', '64:ff9b::a9fe:a9fe', '64:ff9b::10.0.0.1']],
    ['not an address', ['', 'localhost', '1.2.3', '127.1', '::ffff:999.0.0.1']],
  ])('refuses %s', (_kind, addresses) => {
    for (const address of addresses) expect({ address, refused: isPrivateAddress(address) }).toEqual({ address, refused: true });
  });

  it('allows public addresses, also inside IPv6', () => {
    for (const address of [
      '93.184.215.14',
      '8.8.8.8',
      '100.63.255.255',
      '100.128.0.1',
      '172.32.0.1',
      '198.20.0.1',
      '2606:4700:4700::1111',
      '::ffff:93.184.215.14',
      '64:ff9b::808:808',
    ]) {
      expect({ address, refused: isPrivateAddress(address) }).toEqual({ address, refused: false });
    }
  });

  it('says which setting allows a private address in development', async () => {
    expect(await unsafeUrlReason('http://10.0.0.7/issuer', false, 'SSO_ALLOW_PRIVATE_NETWORKS')).toBe(
      'points at 10.0.0.7, a private or reserved address. Set SSO_ALLOW_PRIVATE_NETWORKS=true to allow it in development.',
    );
    expect(await unsafeUrlReason('http://localhost/issuer', false, 'SSO_ALLOW_PRIVATE_NETWORKS')).toMatch(
      /^host localhost resolves to .*, a private or reserved address\. Set SSO_ALLOW_PRIVATE_NETWORKS=true to allow it in development\.$/,
    );
    // Only a private address can be allowed that way.
    expect(await unsafeUrlReason('ftp://example.com/', false, 'SSO_ALLOW_PRIVATE_NETWORKS')).toBe('must use https (or http)');
    expect(await unsafeUrlReason('http://10.0.0.7/', true, 'SSO_ALLOW_PRIVATE_NETWORKS')).toBeUndefined();
  });

  it('names WEBHOOK_ALLOW_PRIVATE_NETWORKS in the unsafe_url problem of a webhook endpoint', async () => {
    const strict = await createTestApp({ webhooks: { allowPrivateNetworks: false } });
    try {
      const a = await newTenant(strict);
      const res = await strict.http
        .post('/v1/webhook-endpoints')
        .set(a.auth)
        .send({ url: 'http://169.254.169.254/latest/meta-data', event_types: ['*'] });
      expectProblem(res, 422, 'unsafe_url');
      expect(res.body.detail).toBe(
        'url points at 169.254.169.254, a private or reserved address. Set WEBHOOK_ALLOW_PRIVATE_NETWORKS=true to allow it in development.',
      );
    } finally {
      await strict.close();
    }
  });
});
