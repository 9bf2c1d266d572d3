import { globToRegExp } from './globPattern';

describe('globToRegExp', () => {
  const matches = (pattern: string, tag: string) =>
    globToRegExp(pattern).test(tag);

  it('matches the whole tag, * standing for any run of characters', () => {
    expect(matches('dev-*', 'dev-kb9lm91e')).toBe(true);
    expect(matches('dev-*', 'dev-')).toBe(true);
    expect(matches('dev-*', 'stg-dev-1')).toBe(false);
    expect(matches('*-dev', 'x-dev')).toBe(true);
    expect(matches('*-dev', 'x-dev-1')).toBe(false);
    expect(matches('a*b*c', 'a-1-b-2-c')).toBe(true);
    expect(matches('a*b*c', 'a-c-b')).toBe(false);
    expect(matches('*', '')).toBe(true);
    expect(matches('*', 'anything.at-all_1')).toBe(true);
  });

  it('treats everything but * literally', () => {
    expect(matches('1.0', '1.0')).toBe(true);
    expect(matches('1.0', '1x0')).toBe(false);
    expect(matches('v?', 'v1')).toBe(false);
    expect(matches('v?', 'v?')).toBe(true);
    expect(matches('[ab]', 'a')).toBe(false);
    expect(matches('a+', 'aa')).toBe(false);
  });

  it('is case-sensitive and exact without a star', () => {
    expect(matches('latest', 'latest')).toBe(true);
    expect(matches('latest', 'Latest')).toBe(false);
    expect(matches('dev', 'dev-1')).toBe(false);
  });
});
