import { ApiError } from './apiStatus';
import { decodeContinueToken, encodeContinueToken } from './continueToken';

/** The error `run` throws; fails the test when it throws none. */
function errorOf(run: () => unknown): ApiError {
  try {
    run();
  } catch (error) {
    return error as ApiError;
  }
  throw new Error('expected an error');
}

describe('continue tokens', () => {
  it('round-trip the position', () => {
    const token = encodeContinueToken({
      resourceVersion: 42,
      after: 'dev/secret-3',
    });
    expect(decodeContinueToken(token, 0)).toEqual({
      resourceVersion: 42,
      after: 'dev/secret-3',
    });
  });

  it('answer 400 when garbled and 410 when compacted away', () => {
    expect(() => decodeContinueToken('garbage', 0)).toThrow(ApiError);
    const token = encodeContinueToken({ resourceVersion: 42, after: 'x' });
    expect(errorOf(() => decodeContinueToken(token, 50))).toMatchObject({
      code: 410,
      reason: 'Expired',
    });
  });
});
