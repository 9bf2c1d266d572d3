import { ConfigReader } from '@backstage/config';
import { readCacheConfig } from './cacheConfig';

describe('readCacheConfig', () => {
  it('reads the budgets set and leaves the rest to the defaults', () => {
    expect(
      readCacheConfig(
        new ConfigReader({
          gitops: {
            caches: {
              helmRevisionsMiB: 8,
              parsedFilesMiB: 0,
              reportMinutes: 1,
            },
          },
        }),
      ),
    ).toEqual({
      budgetsMiB: { helmRevisions: 8, parsedFiles: 0 },
      reportMinutes: 1,
    });
    expect(readCacheConfig(new ConfigReader({}))).toEqual({
      budgetsMiB: {},
      reportMinutes: 10,
    });
  });

  it('refuses a negative budget', () => {
    expect(() =>
      readCacheConfig(
        new ConfigReader({ gitops: { caches: { imageCreatedAtMiB: -1 } } }),
      ),
    ).toThrow('gitops.caches.imageCreatedAtMiB');
  });
});
