import { ApiError } from './apiStatus';
import { parseLabelSelector } from './labelSelector';

/** The error `run` throws; fails the test when it throws none. */
function errorOf(run: () => unknown): ApiError {
  try {
    run();
  } catch (error) {
    return error as ApiError;
  }
  throw new Error('expected an error');
}

describe('parseLabelSelector', () => {
  const helm = { name: 'podinfo', owner: 'helm', status: 'deployed' };

  it('matches everything when empty', () => {
    expect(parseLabelSelector('')(helm)).toBe(true);
    expect(parseLabelSelector(undefined)({})).toBe(true);
  });

  it('handles equality requirements', () => {
    expect(parseLabelSelector('owner=helm,name==podinfo')(helm)).toBe(true);
    expect(parseLabelSelector('owner=helm,name=other')(helm)).toBe(false);
    expect(parseLabelSelector('status!=superseded')(helm)).toBe(true);
    // A missing label satisfies "not equal", as in Kubernetes.
    expect(parseLabelSelector('tier!=web')(helm)).toBe(true);
  });

  it('handles set-based requirements', () => {
    expect(parseLabelSelector('status in (deployed, failed)')(helm)).toBe(true);
    expect(parseLabelSelector('status notin (deployed)')(helm)).toBe(false);
    expect(parseLabelSelector('owner,!tier')(helm)).toBe(true);
    expect(parseLabelSelector('tier')(helm)).toBe(false);
    expect(
      parseLabelSelector('owner=helm,status in (superseded,failed)')(helm),
    ).toBe(false);
  });

  it('rejects malformed selectors with a 400', () => {
    expect(() => parseLabelSelector('a in (b')).toThrow(ApiError);
    expect(errorOf(() => parseLabelSelector('=x')).code).toBe(400);
  });
});
