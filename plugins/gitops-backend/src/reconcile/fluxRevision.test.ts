import { commitOfFluxRevision } from './fluxRevision';

describe('commitOfFluxRevision', () => {
  const sha = '0F4C2E1D0123456789ABCDEF0123456789ABCDEF';

  it('reads the commit of every revision format Flux has written', () => {
    expect(commitOfFluxRevision(`main@sha1:${sha}`)).toBe(sha.toLowerCase());
    expect(commitOfFluxRevision(`release/v2@sha1:${sha}`)).toBe(
      sha.toLowerCase(),
    );
    expect(commitOfFluxRevision(`main/${sha}`)).toBe(sha.toLowerCase());
    expect(commitOfFluxRevision(`feature/x/${sha}`)).toBe(sha.toLowerCase());
    expect(commitOfFluxRevision(`sha1:${sha}`)).toBe(sha.toLowerCase());
    expect(commitOfFluxRevision(sha)).toBe(sha.toLowerCase());
  });

  it('names no commit for anything else', () => {
    expect(commitOfFluxRevision(undefined)).toBeUndefined();
    expect(commitOfFluxRevision('')).toBeUndefined();
    expect(commitOfFluxRevision('6.5.4')).toBeUndefined();
    expect(commitOfFluxRevision('latest@sha256:not-hex')).toBeUndefined();
    expect(commitOfFluxRevision('main@sha1:')).toBeUndefined();
  });
});
