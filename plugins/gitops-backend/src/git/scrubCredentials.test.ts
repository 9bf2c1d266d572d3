import { scrubCredentials, secretVariants } from './scrubCredentials';

describe('scrubCredentials', () => {
  it('removes given secrets wherever they occur, longest first', () => {
    const text = 'token abc123 and abc123456 again abc123';
    expect(scrubCredentials(text, ['abc123', 'abc123456'])).toBe(
      'token *** and *** again ***',
    );
  });

  it('ignores empty secrets instead of mangling the text', () => {
    expect(scrubCredentials('fatal: nothing here', [''])).toBe(
      'fatal: nothing here',
    );
  });

  it('removes any userinfo from http(s) URLs and passwords from other URLs', () => {
    expect(
      scrubCredentials(
        "fatal: unable to access 'https://ghp_abc@github.com/o/r.git/' and http://u:p@h/r",
        [],
      ),
    ).toBe(
      "fatal: unable to access 'https://***@github.com/o/r.git/' and http://***@h/r",
    );
    expect(
      scrubCredentials('ssh://git@host/r.git ssh://git:pw@host/r.git', []),
    ).toBe('ssh://git@host/r.git ssh://git:***@host/r.git');
  });

  it('removes private key blocks and Authorization header values', () => {
    const key =
      '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----';
    expect(scrubCredentials(`key: ${key} end`, [])).toBe(
      'key: [private key] end',
    );
    expect(
      scrubCredentials('> Authorization: Basic eC1hY2Nlc3M6dG9r', []),
    ).toBe('> Authorization: Basic ***');
  });

  it('derives the URL-encoded form and the long lines of a key as secrets', () => {
    expect(secretVariants('a/b+c')).toEqual(['a/b+c', 'a%2Fb%2Bc']);
    const variants = secretVariants(
      '-----BEGIN X-----\nAAAABBBBCCCCDDDDEEEE\nshort\n-----END X-----',
    );
    expect(variants).toContain('AAAABBBBCCCCDDDDEEEE');
    expect(variants).not.toContain('short');
  });
});
