import { compileGlob } from './globPattern';
import { compileGoRegexp } from './goRegexp';
import { parseVersionRange } from './tagVersion';
import { PolicyDefinition } from './types';

/** Flux v1's prefixes; without one the filter is a glob. `regex:` is an alias of `regexp:`. */
const SEMVER_PREFIX = 'semver:';
const REGEX_PREFIXES = ['regexp:', 'regex:'];
const GLOB_PREFIX = 'glob:';

/**
 * Reads a Flux v1 filter annotation (`filter.fluxcd.io/<c>` or
 * `fluxcd.io/tag.<c>`): `glob:dev-*`, `semver:~0.4`, `regex:^x`,
 * `regexp:x`, or a bare `dev-*`, which is a glob. No filter, or a blank
 * one, means `glob:*`, as in Flux. Surrounding whitespace is dropped: tags
 * never contain any, so it can only be a slip. Prefixes are
 * case-sensitive, as in Flux (`Glob:x` is a bare glob for `Glob:x`).
 *
 * Unlike Flux, which treated an invalid range or regex as matching
 * everything, this throws `ImagePolicyError`: automating on a filter
 * nobody can read would move images nobody asked to move. So it does for
 * a pattern or range longer than `MAX_PATTERN_LENGTH`, and a regex too
 * large compiled (`MAX_PROGRAM_SIZE`): filters come from repository files,
 * and matching them must stay cheap.
 *
 * @public
 */
export function parseImagePolicy(filter: string | undefined): PolicyDefinition {
  const text = (filter ?? '').trim();
  if (text.startsWith(SEMVER_PREFIX)) {
    const range = text.slice(SEMVER_PREFIX.length).trim();
    parseVersionRange(range);
    return { policy: { kind: 'semver', range } };
  }
  const regexPrefix = REGEX_PREFIXES.find(prefix => text.startsWith(prefix));
  if (regexPrefix) {
    const pattern = text.slice(regexPrefix.length);
    compileGoRegexp(pattern);
    return { policy: { kind: 'regex', pattern } };
  }
  const glob =
    (text.startsWith(GLOB_PREFIX) ? text.slice(GLOB_PREFIX.length) : text) ||
    '*';
  compileGlob(glob);
  return { policy: { kind: 'glob', pattern: glob } };
}
