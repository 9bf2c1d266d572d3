import { ConfigReader } from '@backstage/config';
import net from 'node:net';
import { RegistryTagDigests } from '../actions/RegistryTagDigests';
import { ImageScanner } from './ImageScanner';
import { InMemoryImageMetadataCache } from './__testUtils__/InMemoryImageMetadataCache';
import { readRegistryPolicy } from './readRegistriesConfig';
import {
  DEFAULT_REGISTRY_POLICY,
  PUBLIC_REGISTRY_HOSTS,
  RegistryHosts,
} from './RegistryHosts';
import { createRecordingLogger } from './__testUtils__/recordingLogger';

describe('RegistryHosts', () => {
  it('serves configured hosts and the public defaults, and refuses any other with what to configure', () => {
    const hosts = new RegistryHosts([
      { host: '127.0.0.1:5000', url: 'http://127.0.0.1:5000' },
    ]);
    expect(hosts.resolve('127.0.0.1:5000')).toMatchObject({
      host: '127.0.0.1:5000',
    });
    expect(hosts.resolve('127.0.0.1:5000').publicAddressesOnly).toBeUndefined();
    expect(hosts.resolve('docker.io')).toMatchObject({
      baseUrl: new URL('https://registry-1.docker.io'),
      publicAddressesOnly: true,
    });
    expect(PUBLIC_REGISTRY_HOSTS).toEqual(
      expect.arrayContaining(['ghcr.io', 'quay.io', 'registry.k8s.io']),
    );
    for (const host of [
      '127.0.0.1:5001',
      'localhost:5000',
      '169.254.169.254',
      'registry.internal',
    ]) {
      expect(() => hosts.resolve(host)).toThrow(
        `registry host ${host} is not allowed: add it to gitops.registries`,
      );
    }
  });

  it('allows only configured hosts when the public defaults are switched off', () => {
    const hosts = new RegistryHosts([{ host: 'ghcr.io' }], {
      ...DEFAULT_REGISTRY_POLICY,
      allowPublicDefaults: false,
    });
    expect(hosts.resolve('ghcr.io').host).toBe('ghcr.io');
    expect(() => hosts.resolve('docker.io')).toThrow(
      /registry host docker.io is not allowed/,
    );
  });

  it('reads gitops.registryPolicy with documented defaults, refusing nonsense caps', () => {
    expect(readRegistryPolicy(new ConfigReader({}))).toEqual({
      allowPublicDefaults: true,
      maxTagsPerImage: 20_000,
      maxListingBytes: 8 * 1024 * 1024,
    });
    expect(
      readRegistryPolicy(
        new ConfigReader({
          gitops: {
            registryPolicy: {
              allowPublicDefaults: false,
              maxTagsPerImage: 500,
              maxListingBytes: 65536,
            },
          },
        }),
      ),
    ).toEqual({
      allowPublicDefaults: false,
      maxTagsPerImage: 500,
      maxListingBytes: 65536,
    });
    expect(() =>
      readRegistryPolicy(
        new ConfigReader({
          gitops: { registryPolicy: { maxTagsPerImage: 0 } },
        }),
      ),
    ).toThrow(
      'gitops.registryPolicy.maxTagsPerImage must be a positive integer, got 0',
    );
  });
});

describe('ImageScanner on hosts nobody configured', () => {
  function scanner(
    resolveAddresses: (hostname: string) => Promise<string[]>,
    fetchImpl: typeof fetch,
  ) {
    const recording = createRecordingLogger();
    return {
      scanner: new ImageScanner({
        registries: [],
        cache: new InMemoryImageMetadataCache(),
        logger: recording.logger,
        fetch: fetchImpl,
        resolveAddresses,
      }),
      ...recording,
    };
  }

  it('never connects to a public default whose name resolves to this machine or an internal network', async () => {
    const fetchImpl = jest.fn<
      ReturnType<typeof fetch>,
      Parameters<typeof fetch>
    >();
    for (const addresses of [
      ['127.0.0.1'],
      ['10.0.0.7'],
      ['140.82.112.34', '169.254.169.254'],
      ['::1'],
      [],
    ]) {
      const { scanner: s } = scanner(async () => addresses, fetchImpl);
      const result = await s.scan(
        { registry: 'ghcr.io', repository: 'org/app' },
        () => true,
      );
      expect(result).toMatchObject({
        ok: false,
        error:
          'ghcr.io/org/app: registry host ghcr.io is not allowed: ghcr.io does not resolve to public addresses only; add it to gitops.registries to reach it there',
      });
    }
    expect(fetchImpl).not.toHaveBeenCalled();
  });

  it('tells readers only that a public default cannot be reached, not how it failed', async () => {
    const refused = Object.assign(new TypeError('fetch failed'), {
      cause: {
        code: 'ECONNREFUSED',
        message: 'connect ECONNREFUSED 140.82.112.34:443',
      },
    });
    const { scanner: s, text } = scanner(
      async () => ['140.82.112.34'],
      async () => {
        throw refused;
      },
    );
    const result = await s.scan(
      { registry: 'ghcr.io', repository: 'org/app' },
      () => true,
    );
    expect(result).toMatchObject({
      ok: false,
      error: 'ghcr.io/org/app: cannot reach ghcr.io',
    });
    expect(text()).not.toMatch(/ECONNREFUSED|140\.82|443/);
  });

  it('keeps the reason for a configured registry, whose operator may see it', async () => {
    // A port that was just free: nothing listens there.
    const probe = net.createServer();
    await new Promise<void>(resolve => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as net.AddressInfo;
    await new Promise(resolve => probe.close(resolve));
    const s = new ImageScanner({
      registries: [
        { host: 'registry.internal', url: `http://127.0.0.1:${port}` },
      ],
      cache: new InMemoryImageMetadataCache(),
      logger: createRecordingLogger().logger,
    });
    const result = await s.scan(
      { registry: 'registry.internal', repository: 'org/app' },
      () => true,
    );
    expect(result).toMatchObject({
      ok: false,
      error: `registry.internal/org/app: cannot reach http://127.0.0.1:${port} (ECONNREFUSED)`,
    });
  });
});

describe('RegistryTagDigests (promotions) on hosts nobody configured', () => {
  it('refuses before any request, as image scans do', async () => {
    const fetchImpl = jest.fn<
      ReturnType<typeof fetch>,
      Parameters<typeof fetch>
    >();
    const digests = new RegistryTagDigests({
      registries: [],
      logger: createRecordingLogger().logger,
      fetch: fetchImpl,
    });
    const image = { registry: '127.0.0.1:5001', repository: 'team/app' };
    await expect(digests.listTags(image)).rejects.toThrow(
      'registry host 127.0.0.1:5001 is not allowed: add it to gitops.registries',
    );
    await expect(digests.digestsOf(image, ['v1'])).rejects.toThrow(
      /is not allowed/,
    );
    expect(fetchImpl).not.toHaveBeenCalled();
  });
});
