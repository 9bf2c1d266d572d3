import { gzipSync } from 'node:zlib';
import { decodeHelmReleaseSecret } from './decodeHelmReleaseSecret';
import { HelmSecretError } from './HelmSecretError';
import {
  goJson,
  helmReleaseObject,
  helmSecret,
  podinfoDevHistory,
  secretFromDouble,
  twiceBase64,
} from './__testUtils__/helmSecretFixtures';

function thrownBy(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('decodeHelmReleaseSecret', () => {
  it("reads the seed's podinfo-dev history as helm history prints it", () => {
    const rows = podinfoDevHistory
      .map(fixture => decodeHelmReleaseSecret(helmSecret(fixture)))
      .map(
        r =>
          `${r.revision} ${r.status} ${r.chartName}-${r.chartVersion} ${r.description}`,
      );
    expect(rows).toEqual([
      '1 superseded podinfo-0.2.0 Install complete',
      '2 superseded podinfo-0.2.0 Upgrade complete',
      '3 deployed podinfo-0.2.1 Upgrade complete',
    ]);
  });

  it('returns the release config as values, and the deploy times', () => {
    const revision = decodeHelmReleaseSecret(helmSecret(podinfoDevHistory[2]));
    expect(revision).toMatchObject({
      name: 'podinfo-dev',
      namespace: 'dev',
      appVersion: '3.1.0',
      firstDeployed: '2020-03-11T09:42:31.419Z',
      lastDeployed: '2020-03-11T10:05:47.901Z',
      values: {
        image: { repository: 'stefanprodan/podinfo', tag: 'dev-a1b2c3d4' },
        replicaCount: 1,
      },
    });
  });

  it('reads what the simulated cluster stores', () => {
    const secret = secretFromDouble(podinfoDevHistory[0]);
    expect(decodeHelmReleaseSecret(secret)).toMatchObject({
      revision: 1,
      status: 'superseded',
    });
  });

  it('reads a payload that Helm did not gzip', () => {
    const fixture = { ...podinfoDevHistory[1] };
    const plain = twiceBase64(Buffer.from(goJson(helmReleaseObject(fixture))));
    expect(decodeHelmReleaseSecret(helmSecret(fixture, plain))).toMatchObject({
      revision: 2,
      chartVersion: '0.2.0',
    });
  });

  it('names the secret and never echoes its content when it is corrupt', () => {
    const secretValue = 'hunter2-database-password';
    const json = `{"name":"db","config":{"password":"${secretValue}"`;
    const secret = helmSecret(
      { name: 'db', namespace: 'prod', version: 4, status: 'deployed' },
      twiceBase64(gzipSync(Buffer.from(json))),
    );
    const error = thrownBy(() => decodeHelmReleaseSecret(secret));
    expect(error).toBeInstanceOf(HelmSecretError);
    expect(error.message).toBe(
      'Helm release secret prod/sh.helm.release.v1.db.v4 does not hold valid JSON',
    );
    expect((error as HelmSecretError).secretName).toBe(
      'prod/sh.helm.release.v1.db.v4',
    );
    expect(error.message).not.toContain(secretValue);
    expect(JSON.stringify(error)).not.toContain(secretValue);
    expect(error.stack).not.toContain(secretValue);
    expect(error).not.toHaveProperty('cause');
  });

  it('names the layer that is broken', () => {
    const secret = helmSecret(
      { name: 'db', namespace: 'prod', version: 4, status: 'deployed' },
      'this is not base64',
    );
    expect(() => decodeHelmReleaseSecret(secret)).toThrow(
      'Helm release secret prod/sh.helm.release.v1.db.v4 is not valid base64 (Kubernetes encoding)',
    );
  });

  it('explains a secret without data.release', () => {
    expect(() =>
      decodeHelmReleaseSecret({
        metadata: { name: 'sh.helm.release.v1.x.v1' },
        data: {},
      }),
    ).toThrow(
      'Helm release secret sh.helm.release.v1.x.v1 has no data.release',
    );
    expect(() => decodeHelmReleaseSecret({})).toThrow(
      'Helm release secret (unnamed) has no data.release',
    );
  });
});
