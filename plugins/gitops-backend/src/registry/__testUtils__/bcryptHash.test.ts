import { bcryptHash } from './bcryptHash';

describe('bcryptHash', () => {
  it('matches published known answers', () => {
    // OpenBSD / Openwall crypt_blowfish test vectors.
    expect(bcryptHash('U*U', { cost: 5, salt: 'CCCCCCCCCCCCCCCCCCCCC.' })).toBe(
      '$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW',
    );
    expect(bcryptHash('', { cost: 5, salt: 'CCCCCCCCCCCCCCCCCCCCC.' })).toBe(
      '$2b$05$CCCCCCCCCCCCCCCCCCCCC.7uG0VCzI2bS7j6ymqJi9CdcdxiRTWNy',
    );
  });

  it('salts every hash differently', () => {
    const a = bcryptHash('secret');
    const b = bcryptHash('secret');
    expect(a).toMatch(/^\$2b\$04\$[./A-Za-z0-9]{53}$/);
    expect(a).not.toBe(b);
  });
});
