import { containerPolicy, readFluxAnnotations } from './fluxAnnotations';

describe('readFluxAnnotations', () => {
  it('reads nothing from unrelated annotations', () => {
    const flux = readFluxAnnotations({
      'example.com/automated': 'true',
      'tag.example.com/x': 'a.b',
    });
    expect(flux).toEqual({
      automated: false,
      locked: false,
      lockedBy: undefined,
      lockedMessage: undefined,
      ignored: false,
      filters: new Map(),
      imagePaths: new Map(),
    });
  });

  it('collects image paths per container, fluxcd.io only', () => {
    const flux = readFluxAnnotations({
      'repository.fluxcd.io/app': 'app.image',
      'tag.fluxcd.io/app': 'app.tag',
      'registry.fluxcd.io/app': 'global.registry',
      'tag.fluxcd.io/other': 'other.tag',
      'repository.fluxcd.io/empty': '',
      'repository.flux.weave.works/legacy': 'x.y',
    });
    expect(flux.imagePaths).toEqual(
      new Map([
        [
          'app',
          {
            repository: 'app.image',
            tag: 'app.tag',
            registry: 'global.registry',
          },
        ],
        ['other', { tag: 'other.tag' }],
      ]),
    );
  });

  it('does not read tag path annotations as filters', () => {
    const flux = readFluxAnnotations({
      'tag.fluxcd.io/app': 'app.tag',
      'fluxcd.io/tag.app': 'glob:1.*',
    });
    expect(flux.filters).toEqual(new Map([['app', 'glob:1.*']]));
  });
});

describe('containerPolicy', () => {
  it('uses the filter, else glob:* when automated, else nothing', () => {
    const automated = readFluxAnnotations({
      'fluxcd.io/automated': 'true',
      'filter.fluxcd.io/web': 'semver:~1',
    });
    expect(containerPolicy(automated, 'web')).toBe('semver:~1');
    expect(containerPolicy(automated, 'worker')).toBe('glob:*');
    const manual = readFluxAnnotations({ 'filter.fluxcd.io/web': 'semver:~1' });
    expect(containerPolicy(manual, 'web')).toBe('semver:~1');
    expect(containerPolicy(manual, 'worker')).toBeUndefined();
  });

  it('keeps an empty filter as written rather than widening it to glob:*', () => {
    const flux = readFluxAnnotations({
      'fluxcd.io/automated': 'true',
      'filter.fluxcd.io/web': '',
    });
    expect(containerPolicy(flux, 'web')).toBe('');
  });
});
