import { GoRegexpMatch, compileGoRegexp } from './goRegexp';
import { assertPatternLength } from './patternLimits';
import { TagFilter } from './types';

/** A compiled `filterTags`: the value the policy orders for a tag, or undefined when the tag is filtered out. */
export type CompiledTagFilter = (tag: string) => string | undefined;

/**
 * Go's `Regexp.Expand`: `$name` takes the longest run of letters, digits and
 * underscores; `${name}` delimits it; all digits name a group by number;
 * `$$` is a dollar sign. A group that does not exist or did not take part
 * in the match expands to nothing, and a `$` that starts no name is kept as
 * written.
 */
export function expandTemplate(template: string, match: GoRegexpMatch): string {
  return template.replace(
    /\$(?:\$|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g,
    (_whole, braced: string | undefined, bare: string | undefined) => {
      const name = braced ?? bare;
      if (name === undefined) return '$';
      if (/^\d+$/.test(name)) return match[Number(name)] ?? '';
      return match.groups?.[name] ?? '';
    },
  );
}

/**
 * As image-reflector-controller applies `filterTags`: the first match of
 * the pattern anywhere in the tag admits it, and with `extract` set the
 * expansion is the value to order. An expansion that comes out empty
 * leaves nothing to order, so that tag is filtered out (Flux would order
 * the empty string).
 */
export function compileTagFilter(
  filter: TagFilter | undefined,
): CompiledTagFilter {
  if (!filter) return tag => tag;
  const pattern = compileGoRegexp(filter.pattern);
  const extract = filter.extract;
  if (extract) assertPatternLength(extract, 'extract template');
  return tag => {
    const match = pattern.exec(tag);
    if (!match) return undefined;
    if (!extract) return tag;
    return expandTemplate(extract, match) || undefined;
  };
}
