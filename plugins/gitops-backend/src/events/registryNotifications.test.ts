import { readRegistryNotification } from './registryNotifications';
import {
  bitbucketCloudSignatureValidator,
  registryTokenValidator,
} from './registryIngress';
import { createHmac } from 'node:crypto';

describe('readRegistryNotification', () => {
  it('reads distribution push events in the configured hosts, never the host in the body', () => {
    const payload = {
      events: [
        {
          action: 'push',
          target: {
            mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
            repository: 'stefanprodan/podinfo',
            tag: 'dev-1',
          },
          request: { host: 'evil.example.com' },
        },
        { action: 'pull', target: { repository: 'org/pulled' } },
        { action: 'push', target: { repository: 'Not A Name' } },
      ],
    };
    expect(readRegistryNotification(payload, ['docker.io', 'ghcr.io'])).toEqual(
      [
        { host: 'docker.io', repository: 'stefanprodan/podinfo' },
        { host: 'ghcr.io', repository: 'stefanprodan/podinfo' },
      ],
    );
    expect(readRegistryNotification(payload, [])).toEqual([]);
  });

  it('reads Docker Hub webhooks as docker.io', () => {
    expect(
      readRegistryNotification(
        { push_data: { tag: '1.2.3' }, repository: { repo_name: 'nginx' } },
        ['ghcr.io'],
      ),
    ).toEqual([{ host: 'docker.io', repository: 'library/nginx' }]);
  });

  it('reads Harbor PUSH_ARTIFACT in the configured host', () => {
    expect(
      readRegistryNotification(
        {
          type: 'PUSH_ARTIFACT',
          event_data: {
            repository: { repo_full_name: 'team/app' },
            resources: [{ tag: 'v1' }],
          },
        },
        ['harbor.example.com'],
      ),
    ).toEqual([{ host: 'harbor.example.com', repository: 'team/app' }]);
    expect(
      readRegistryNotification(
        {
          type: 'DELETE_ARTIFACT',
          event_data: { repository: { repo_full_name: 'team/app' } },
        },
        ['harbor.example.com'],
      ),
    ).toEqual([]);
  });

  it('reads nothing from other bodies', () => {
    for (const body of [
      null,
      'text',
      [],
      { events: 'x' },
      { events: new Array(10).fill({ action: 'push' }) },
    ]) {
      expect(readRegistryNotification(body, ['docker.io'])).toEqual([]);
    }
  });
});

describe('ingress validators', () => {
  const context = () => ({ reject: jest.fn() });
  const requestWith = (
    headers: Record<string, string>,
    query: Record<string, string> = {},
    body = '{}',
  ) => ({
    body: JSON.parse(body),
    headers,
    query,
    raw: { body: Buffer.from(body), encoding: 'utf-8' as const },
  });

  it('lets registry notifications in with the token as bearer or query only', async () => {
    const validate = registryTokenValidator('s3cret-token');
    for (const [request, allowed] of [
      [requestWith({ authorization: 'Bearer s3cret-token' }), true],
      [requestWith({}, { token: 's3cret-token' }), true],
      [requestWith({ authorization: 'Bearer wrong' }), false],
      [requestWith({ authorization: 's3cret-token' }), false],
      [requestWith({}, { token: 's3cret-token-and-more' }), false],
      [requestWith({}), false],
    ] as const) {
      const c = context();
      await validate(request, c);
      expect(c.reject).toHaveBeenCalledTimes(allowed ? 0 : 1);
    }
  });

  it("checks Bitbucket Cloud's HMAC signature of the raw body", async () => {
    const validate = bitbucketCloudSignatureValidator('bb-secret');
    const body = '{"push":{}}';
    const good = `sha256=${createHmac('sha256', 'bb-secret')
      .update(body)
      .digest('hex')}`;
    const ok = context();
    await validate(requestWith({ 'x-hub-signature': good }, {}, body), ok);
    expect(ok.reject).not.toHaveBeenCalled();
    const forged = context();
    await validate(
      requestWith({ 'x-hub-signature': good }, {}, '{"push":{"x":1}}'),
      forged,
    );
    expect(forged.reject).toHaveBeenCalledWith(
      expect.objectContaining({ status: 403 }),
    );
    const unsigned = context();
    await validate(requestWith({}, {}, body), unsigned);
    expect(unsigned.reject).toHaveBeenCalled();
  });
});
