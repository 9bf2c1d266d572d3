import { gunzipSync } from 'node:zlib';
import {
  buildHelmReleaseSecret,
  decodeHelmRelease,
  decodeHelmReleaseSecretData,
  encodeHelmRelease,
  HelmReleaseRecord,
} from './helmStorage';

const release: HelmReleaseRecord = {
  name: 'demo-podinfo',
  info: {
    first_deployed: '2024-05-01T10:00:00Z',
    last_deployed: '2024-05-01T10:00:00Z',
    deleted: '',
    description: 'Install complete',
    status: 'deployed',
    notes: '',
  },
  chart: {
    metadata: { name: 'podinfo', version: '0.2.0', appVersion: '0.2.0' },
  },
  config: { image: { repository: 'podinfo', tag: 'dev-abc1234' } },
  manifest: '',
  version: 1,
  namespace: 'demo',
};

describe('Helm release storage', () => {
  it('encodes as Helm does: base64 of gzip of the JSON', () => {
    const encoded = encodeHelmRelease(release);
    const json = gunzipSync(Buffer.from(encoded, 'base64')).toString('utf8');
    expect(JSON.parse(json)).toEqual(release);
    expect(decodeHelmRelease(encoded)).toEqual(release);
  });

  it('reads releases stored without gzip', () => {
    const plain = Buffer.from(JSON.stringify(release)).toString('base64');
    expect(decodeHelmRelease(plain)).toEqual(release);
  });

  it('builds the Secret with base64 of the Helm encoding in data.release', () => {
    const secret = buildHelmReleaseSecret(release, {
      createdAt: new Date('2024-05-01T10:00:00Z'),
    });
    expect(secret).toMatchObject({
      type: 'helm.sh/release.v1',
      metadata: {
        name: 'sh.helm.release.v1.demo-podinfo.v1',
        namespace: 'demo',
        labels: {
          name: 'demo-podinfo',
          owner: 'helm',
          status: 'deployed',
          version: '1',
          createdAt: '1714557600',
        },
      },
    });
    const data = (secret.data as Record<string, string>).release;
    expect(Buffer.from(data, 'base64').toString('utf8')).toBe(
      encodeHelmRelease(release),
    );
    expect(decodeHelmReleaseSecretData(data)).toEqual(release);
  });
});
