import { ApiError } from './apiStatus';
import { decodeContinueToken, encodeContinueToken } from './continueToken';

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
    try {
      decodeContinueToken(token, 50);
    } catch (error) {
      expect((error as ApiError).code).toBe(410);
      expect((error as ApiError).reason).toBe('Expired');
    }
    expect.assertions(3);
  });
});
