import { hostnameOf, isPublicAddress, systemResolver } from './publicAddress';

describe('isPublicAddress', () => {
  it.each([
    '127.0.0.1',
    '127.1.2.3',
    '10.0.0.1',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '::1',
    '::',
    'fc00::1',
    'fd12:3456::1',
    'fe80::1',
    '::ffff:127.0.0.1',
    '::ffff:10.1.2.3',
    '64:ff9b::a00:1',
    'not-an-address',
  ])('refuses %s', address => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each([
    '8.8.8.8',
    '140.82.112.34',
    '172.32.0.1',
    '192.169.0.1',
    '2606:4700::1111',
  ])('accepts %s', address => {
    expect(isPublicAddress(address)).toBe(true);
  });

  it('resolves names to every address, IPv6 literals without brackets', async () => {
    expect(hostnameOf(new URL('http://[::1]:5000/v2/'))).toBe('::1');
    await expect(systemResolver('127.0.0.1')).resolves.toEqual(['127.0.0.1']);
    const localhost = await systemResolver('localhost');
    expect(localhost.length).toBeGreaterThan(0);
    expect(localhost.some(isPublicAddress)).toBe(false);
  });
});
