import { HelmIndexClient } from './HelmIndexClient';
import { newestAllowedVersion } from './chartVersions';
import {
  ChartRepositoryServer,
  helmIndexYaml,
  startChartRepository,
} from './__testUtils__/startChartRepository';

describe('HelmIndexClient', () => {
  let repository: ChartRepositoryServer;

  beforeEach(async () => {
    repository = await startChartRepository();
  });
  afterEach(() => repository.stop());

  it('reads the versions of each chart from a listed repository, with its credentials', async () => {
    repository.serve({
      body: helmIndexYaml({
        podinfo: ['6.5.0', '6.6.0', '7.0.0'],
        redis: ['1.0.0'],
      }),
    });
    const client = new HelmIndexClient([
      { url: `${repository.url}/`, username: 'reader', password: 's3cret' },
    ]);
    const index = await client.read(`${repository.url}/`);
    expect(index.get('podinfo')).toEqual(['6.5.0', '6.6.0', '7.0.0']);
    expect(newestAllowedVersion(index.get('podinfo')!, '6.x')).toBe('6.6.0');
    expect(repository.requests).toEqual([
      {
        path: '/index.yaml',
        authorization: `Basic ${Buffer.from('reader:s3cret').toString(
          'base64',
        )}`,
      },
    ]);
  });

  it('refuses a host that is not listed, and never contacts it', async () => {
    repository.serve({ body: helmIndexYaml({ podinfo: ['6.5.0'] }) });
    const client = new HelmIndexClient([{ url: 'https://charts.example.com' }]);
    await expect(client.read(`${repository.url}/charts`)).rejects.toThrow(
      `Helm repository host ${repository.url.slice(
        'http://'.length,
      )} is not allowed: add ${repository.url} to gitops.helmRepositories`,
    );
    // Same host, another path than the one listed: refused too.
    const underPath = new HelmIndexClient([
      { url: `${repository.url}/stable` },
    ]);
    await expect(underPath.read(`${repository.url}/incubator`)).rejects.toThrow(
      /not allowed/,
    );
    await expect(
      underPath.read(`${repository.url}/stable-ish`),
    ).rejects.toThrow(/not allowed/);
    expect(repository.requests).toEqual([]);
  });

  it('refuses an index over the size limit, by its declared length or while reading', async () => {
    const big = helmIndexYaml({
      podinfo: Array.from({ length: 200 }, (_, i) => `6.${i}.0`),
    });
    repository.serve({ body: big });
    const client = new HelmIndexClient([{ url: repository.url }], {
      limits: { maxIndexBytes: 1024 },
    });
    await expect(client.read(repository.url)).rejects.toThrow(
      /index.yaml is larger than 1024 bytes/,
    );
    // Chunked, with no length to refuse it by up front.
    repository.serve({
      body: big,
      headers: {
        'content-type': 'application/yaml',
        'transfer-encoding': 'chunked',
      },
    });
    await expect(client.read(repository.url)).rejects.toThrow(
      /larger than 1024 bytes/,
    );
  });

  it('refuses an index listing more versions than the cap', async () => {
    repository.serve({
      body: helmIndexYaml({ a: ['1.0.0', '1.1.0'], b: ['1.0.0', '2.0.0'] }),
    });
    const client = new HelmIndexClient([{ url: repository.url }], {
      limits: { maxEntries: 3 },
    });
    await expect(client.read(repository.url)).rejects.toThrow(
      /lists more than 3 chart versions/,
    );
  });

  it('does not follow a redirect, nor decode an alias bomb, nor wait past its timeout', async () => {
    const client = new HelmIndexClient([{ url: repository.url }], {
      limits: { timeoutMs: 300 },
    });
    repository.serve({
      status: 302,
      headers: { location: 'http://169.254.169.254/index.yaml' },
    });
    await expect(client.read(repository.url)).rejects.toThrow(
      /redirects \(HTTP 302\); redirects are not followed/,
    );

    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]']
      .concat(
        Array.from(
          { length: 8 },
          (_, i) =>
            `${String.fromCharCode(98 + i)}: &${String.fromCharCode(
              98 + i,
            )} [${Array(10)
              .fill(`*${String.fromCharCode(97 + i)}`)
              .join(', ')}]`,
        ),
      )
      .concat(['entries: { podinfo: *i }'])
      .join('\n');
    repository.serve({ body: bomb });
    await expect(client.read(repository.url)).rejects.toThrow(
      /not a Helm repository index: .*alias/i,
    );

    repository.serve({
      body: helmIndexYaml({ podinfo: ['6.5.0'] }),
      delayMs: 2000,
    });
    await expect(client.read(repository.url)).rejects.toThrow(
      /did not answer within 300 ms/,
    );

    repository.serve({ status: 500 });
    await expect(client.read(repository.url)).rejects.toThrow(
      /answered HTTP 500/,
    );
  });
});
