import {
  buildHelmReleaseSecret,
  encodeHelmRelease,
  HelmReleaseRecord,
} from '@backstage-gitops/kubernetes-double';
import { constants, crc32, deflateRawSync } from 'node:zlib';
import { HelmReleaseSecret, HelmReleaseStatus } from '../types';

/** The parts of a Helm release that tests vary. */
export type ReleaseFixture = {
  name: string;
  namespace: string;
  version: number;
  status: HelmReleaseStatus;
  chartName?: string;
  chartVersion?: string;
  appVersion?: string;
  description?: string;
  firstDeployed?: string;
  lastDeployed?: string;
  config?: Record<string, unknown>;
};

const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

/** Helm's release JSON (pkg/release.Release) with the fields Helm 3 writes. */
export function helmReleaseObject(fixture: ReleaseFixture): object {
  const chartName = fixture.chartName ?? 'podinfo';
  const chartVersion = fixture.chartVersion ?? '0.2.0';
  return {
    name: fixture.name,
    info: {
      first_deployed:
        fixture.firstDeployed ?? '2020-03-11T10:42:31.419276+01:00',
      last_deployed: fixture.lastDeployed ?? '2020-03-11T10:42:31.419276+01:00',
      deleted: GO_ZERO_TIME,
      description: fixture.description ?? 'Install complete',
      status: fixture.status,
      notes: `1. Get the application URL by running these commands:\n  kubectl -n ${fixture.namespace} port-forward svc/${fixture.name} 9898 <&1`,
    },
    chart: {
      metadata: {
        name: chartName,
        version: chartVersion,
        description: 'Podinfo Helm chart for Kubernetes',
        apiVersion: 'v1',
        appVersion: fixture.appVersion ?? '3.1.0',
      },
      lock: null,
      templates: [
        {
          name: 'templates/deployment.yaml',
          data: 'YXBpVmVyc2lvbjogYXBwcy92MQ==',
        },
      ],
      values: {
        replicaCount: 1,
        image: { repository: 'stefanprodan/podinfo', tag: '3.1.0' },
      },
      schema: null,
      files: null,
    },
    ...(fixture.config ? { config: fixture.config } : {}),
    manifest: `---\n# Source: ${chartName}/templates/service.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: ${fixture.name}\n`,
    version: fixture.version,
    namespace: fixture.namespace,
  };
}

/**
 * JSON as Go's encoding/json writes it: like JSON.stringify, except that it
 * escapes <, > and & (and the two JavaScript line separators).
 */
export function goJson(value: object): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * A gzip stream framed as Go's compress/gzip frames it at BestCompression,
 * which is what Helm asks for: no modification time, XFL 2, OS 255 (unknown);
 * Node's own gzip writes OS 3 (Unix), so this is a distinct, realistic input.
 */
export function gzipLikeGo(content: Buffer): Buffer {
  const header = Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0x02, 0xff]);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(content), 0);
  trailer.writeUInt32LE(content.length % 2 ** 32, 4);
  const body = deflateRawSync(content, { level: constants.Z_BEST_COMPRESSION });
  return Buffer.concat([header, body, trailer]);
}

// The double's Helm storage is the writer the demo cluster and the reconcile
// tests read back, so the decoder is checked against it rather than a copy.

/** `data.release` as the API serves it: its base64 over the double's Helm encoding. */
export function payloadFromDouble(release: object): string {
  const helmValue = encodeHelmRelease(release as HelmReleaseRecord);
  return Buffer.from(helmValue, 'latin1').toString('base64');
}

/** The revision Secret the simulated cluster's Helm operator would store. */
export function secretFromDouble(fixture: ReleaseFixture): HelmReleaseSecret {
  return buildHelmReleaseSecret(
    helmReleaseObject(fixture) as HelmReleaseRecord,
  ) as HelmReleaseSecret;
}

/** Base64 of `bytes`, then base64 again, as the Kubernetes API serves it. */
export function twiceBase64(bytes: Buffer): string {
  return Buffer.from(bytes.toString('base64'), 'latin1').toString('base64');
}

/** A `sh.helm.release.v1.*` Secret as Helm's secrets driver stores it. */
export function helmSecret(fixture: ReleaseFixture, release?: string) {
  const json = goJson(helmReleaseObject(fixture));
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'helm.sh/release.v1',
    metadata: {
      name: `sh.helm.release.v1.${fixture.name}.v${fixture.version}`,
      namespace: fixture.namespace,
      labels: {
        modifiedAt: '1583919751',
        name: fixture.name,
        owner: 'helm',
        status: fixture.status,
        version: String(fixture.version),
      },
    },
    data: {
      release: release ?? twiceBase64(gzipLikeGo(Buffer.from(json, 'utf8'))),
    },
  };
}

/** The seed's `helm -n dev history podinfo-dev` after the chart bump. */
export const podinfoDevHistory: ReleaseFixture[] = [
  {
    name: 'podinfo-dev',
    namespace: 'dev',
    version: 1,
    status: 'superseded',
    chartVersion: '0.2.0',
    description: 'Install complete',
    firstDeployed: '2020-03-11T10:42:31.419276+01:00',
    lastDeployed: '2020-03-11T10:42:31.419276+01:00',
    config: {
      image: { repository: 'stefanprodan/podinfo', tag: 'dev-kb9lm91e' },
      replicaCount: 1,
    },
  },
  {
    name: 'podinfo-dev',
    namespace: 'dev',
    version: 2,
    status: 'superseded',
    chartVersion: '0.2.0',
    description: 'Upgrade complete',
    firstDeployed: '2020-03-11T10:42:31.419276+01:00',
    lastDeployed: '2020-03-11T10:51:02.03811+01:00',
    config: {
      image: { repository: 'stefanprodan/podinfo', tag: 'dev-a1b2c3d4' },
      replicaCount: 1,
    },
  },
  {
    name: 'podinfo-dev',
    namespace: 'dev',
    version: 3,
    status: 'deployed',
    chartVersion: '0.2.1',
    description: 'Upgrade complete',
    firstDeployed: '2020-03-11T10:42:31.419276+01:00',
    lastDeployed: '2020-03-11T11:05:47.90123+01:00',
    config: {
      image: { repository: 'stefanprodan/podinfo', tag: 'dev-a1b2c3d4' },
      replicaCount: 1,
    },
  },
];
