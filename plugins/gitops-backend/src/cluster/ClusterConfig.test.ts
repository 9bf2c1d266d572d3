import { ConfigReader } from '@backstage/config';
import { JsonValue } from '@backstage/types';
import { readClustersConfig } from './ClusterConfig';

const kubernetes = (clusterLocatorMethods: JsonValue[]) =>
  new ConfigReader({ kubernetes: { clusterLocatorMethods } });

describe('readClustersConfig', () => {
  it('reads the config-type clusters the Kubernetes tab shows', () => {
    const clusters = readClustersConfig(
      kubernetes([
        { type: 'catalog' },
        {
          type: 'config',
          clusters: [
            {
              name: 'demo',
              title: 'demo (simulated)',
              url: 'http://127.0.0.1:7098',
              authProvider: 'serviceAccount',
              serviceAccountToken: 'secret-token',
              skipTLSVerify: true,
            },
            {
              name: 'eu-prod',
              url: 'https://k8s.example.com',
              authProvider: 'oidc',
              serviceAccountToken: 'ignored',
              caData: 'Q0E=',
            },
          ],
        },
      ]),
    );
    expect(clusters).toEqual([
      {
        name: 'demo',
        title: 'demo (simulated)',
        url: 'http://127.0.0.1:7098',
        token: 'secret-token',
        caData: undefined,
        skipTLSVerify: true,
      },
      // A user-token provider has nothing a scheduled task could use.
      {
        name: 'eu-prod',
        title: undefined,
        url: 'https://k8s.example.com',
        caData: 'Q0E=',
        skipTLSVerify: false,
      },
    ]);
  });

  it('needs no kubernetes config', () => {
    expect(readClustersConfig(new ConfigReader({}))).toEqual([]);
  });

  it.each([
    [
      [{ type: 'config', clusters: [{ name: 'a', url: 'ftp://x' }] }],
      /clusters\[0\]\.url "ftp:\/\/x" is not an http\(s\) URL/,
    ],
    [
      [
        { type: 'config', clusters: [{ name: 'a', url: 'https://x' }] },
        { type: 'config', clusters: [{ name: 'a', url: 'https://y' }] },
      ],
      /the cluster name "a" is used twice/,
    ],
  ])(
    'rejects bad clusters with a message naming the key (%#)',
    (methods, message) => {
      expect(() => readClustersConfig(kubernetes(methods))).toThrow(message);
    },
  );
});
