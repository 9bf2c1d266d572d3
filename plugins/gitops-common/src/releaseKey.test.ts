import {
  parseGitopsReleaseRef,
  stringifyGitopsReleaseRef,
} from './permissions';
import { stringifyGitopsReleaseKey } from './releaseKey';

describe('stringifyGitopsReleaseKey', () => {
  const key = { environment: 'staging', namespace: 'team-a', name: 'podinfo' };

  it('joins environment, namespace and name', () => {
    expect(stringifyGitopsReleaseKey(key)).toBe('staging/team-a/podinfo');
  });

  it('tells releases apart that differ in any one part', () => {
    const texts = new Set(
      [
        key,
        { ...key, environment: 'production' },
        { ...key, namespace: 'team-b' },
        { ...key, name: 'redis' },
      ].map(stringifyGitopsReleaseKey),
    );
    expect(texts.size).toBe(4);
  });

  it('is the permission resourceRef without an entity, and parses back', () => {
    expect(stringifyGitopsReleaseRef(key)).toBe(stringifyGitopsReleaseKey(key));
    expect(parseGitopsReleaseRef(stringifyGitopsReleaseKey(key))).toEqual(key);
  });
});
