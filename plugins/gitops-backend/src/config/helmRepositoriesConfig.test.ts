import { ConfigReader } from '@backstage/config';
import { JsonValue } from '@backstage/types';
import { readHelmRepositoriesConfig } from './helmRepositoriesConfig';

const read = (helmRepositories: JsonValue) =>
  readHelmRepositoriesConfig(
    new ConfigReader({ gitops: { helmRepositories } }),
  );

describe('readHelmRepositoriesConfig', () => {
  it('reads each repository with its credentials, and none when unset', () => {
    expect(readHelmRepositoriesConfig(new ConfigReader({}))).toEqual([]);
    expect(
      read([
        {
          url: 'https://charts.example.com/stable',
          username: 'reader',
          password: 's3cret',
        },
        { url: 'http://127.0.0.1:8080' },
      ]),
    ).toEqual([
      {
        url: 'https://charts.example.com/stable',
        username: 'reader',
        password: 's3cret',
      },
      { url: 'http://127.0.0.1:8080' },
    ]);
  });

  it('refuses what would send credentials or requests where config did not mean to', () => {
    expect(() => read([{ url: 'charts.example.com' }])).toThrow(
      'gitops.helmRepositories[0].url "charts.example.com" is not a URL',
    );
    expect(() => read([{ url: 'oci://ghcr.io/org/charts' }])).toThrow(
      /must be an http\(s\) URL; OCI chart registries are configured in gitops.registries/,
    );
    expect(() => read([{ url: 'https://user:pw@charts.example.com' }])).toThrow(
      /must not hold credentials/,
    );
    expect(() =>
      read([{ url: 'https://charts.example.com', username: 'reader' }]),
    ).toThrow(/username and gitops.helmRepositories\[0\].password go together/);
  });
});
