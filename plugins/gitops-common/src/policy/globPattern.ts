/**
 * Flux v1 globs (ryanuber/go-glob): `*` matches any run of characters,
 * nothing else is special, and the pattern must cover the whole tag.
 * Matching is case-sensitive.
 */
export function globToRegExp(pattern: string): RegExp {
  const literal = pattern
    .split('*')
    .map(part => part.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&'));
  return new RegExp(`^${literal.join('.*')}$`, 's');
}
