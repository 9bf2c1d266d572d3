import { isRegistryHost, parseImageName } from './imageName';

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

describe('parseImageName', () => {
  it.each([
    [
      'stefanprodan/podinfo:0.4.10',
      { repository: 'stefanprodan/podinfo', tag: '0.4.10' },
    ],
    ['podinfo', { repository: 'podinfo', tag: '' }],
    [
      'library/nginx:1.25-alpine',
      { repository: 'library/nginx', tag: '1.25-alpine' },
    ],
    [
      'ghcr.io/org/team/app:v1.2.3',
      { registry: 'ghcr.io', repository: 'org/team/app', tag: 'v1.2.3' },
    ],
    [
      'host:5000/repo:tag',
      { registry: 'host:5000', repository: 'repo', tag: 'tag' },
    ],
    ['host:5000/repo', { registry: 'host:5000', repository: 'repo', tag: '' }],
    ['localhost/app', { registry: 'localhost', repository: 'app', tag: '' }],
    [
      'localhost:5000/a/b:dev-1',
      { registry: 'localhost:5000', repository: 'a/b', tag: 'dev-1' },
    ],
    // Without a path after it, the first segment is the repository itself.
    ['repo:5000', { repository: 'repo', tag: '5000' }],
    [`repo@${DIGEST}`, { repository: 'repo', tag: '', digest: DIGEST }],
    [
      `quay.io/org/app:1.0@${DIGEST}`,
      {
        registry: 'quay.io',
        repository: 'org/app',
        tag: '1.0',
        digest: DIGEST,
      },
    ],
  ])('parses %s', (text, expected) => {
    expect(parseImageName(text)).toEqual(expected);
  });

  it.each([
    '',
    'not an image',
    'Org/App:1',
    'org/app:',
    'org//app',
    ':tag',
    'org/app:bad:tag',
    'org/app@sha256:short',
    `org/app:${'x'.repeat(129)}`,
    'bad_host.io:port/app',
  ])('refuses %p', text => {
    expect(parseImageName(text)).toBeUndefined();
  });
});

describe('isRegistryHost', () => {
  it.each([
    ['ghcr.io', true],
    ['host:5000', true],
    ['localhost', true],
    ['stefanprodan', false],
    ['library', false],
  ])('%s -> %s', (segment, expected) => {
    expect(isRegistryHost(segment)).toBe(expected);
  });
});
