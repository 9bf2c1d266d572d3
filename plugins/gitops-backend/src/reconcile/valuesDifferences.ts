import { GitopsReleaseDifference } from '@backstage-gitops/plugin-gitops-common';
import { ValuesDisclosure } from './valuesDisclosure';
import { ValuesPathSegment } from './valueSources';

/** Enough to say what is wrong; a card cannot show more usefully. */
export const MAX_DIFFERENCES = 50;

type Mapping = Record<string, unknown>;

function isMapping(value: unknown): value is Mapping {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Dot paths as Flux writes them (`image.tag`, `env.0.name`); a key that would
// make the path ambiguous (it holds a dot or a bracket) is written ["quoted"].
function childPath(base: string, key: string | number): string {
  if (typeof key === 'number' || /^[^.[\]"]+$/.test(key)) {
    return base ? `${base}.${key}` : String(key);
  }
  return `${base}[${JSON.stringify(key)}]`;
}

// Plain code-unit order: the same on every machine, unlike localeCompare.
function sortedKeys(keys: Iterable<string>): string[] {
  return [...new Set(keys)].sort((a, b) => Number(a > b) - Number(a < b));
}

function difference(
  path: string,
  at: readonly ValuesPathSegment[],
  desired: unknown,
  live: unknown,
  disclose: ValuesDisclosure | undefined,
): GitopsReleaseDifference {
  const withheld = disclose?.(at, desired, live);
  const hidden = new Set(withheld?.sides);
  return {
    path,
    ...(desired !== undefined && !hidden.has('desired') ? { desired } : {}),
    ...(live !== undefined && !hidden.has('live') ? { live } : {}),
    ...(withheld && withheld.sides.length > 0 ? { withheld } : {}),
  };
}

type Walk = {
  /** 'all': keys on either side count; 'desired': only keys git sets. */
  keys: 'all' | 'desired';
  limit: number;
  out: GitopsReleaseDifference[];
  disclose?: ValuesDisclosure;
  /** Places where a key only the live side has is expected, not a difference. */
  expected?: (at: readonly ValuesPathSegment[]) => boolean;
};

function walk(
  desired: unknown,
  live: unknown,
  path: string,
  at: ValuesPathSegment[],
  w: Walk,
): void {
  if (w.out.length >= w.limit) {
    return;
  }
  if (isMapping(desired) && isMapping(live)) {
    const keys =
      w.keys === 'all'
        ? sortedKeys([...Object.keys(desired), ...Object.keys(live)])
        : sortedKeys(Object.keys(desired));
    for (const key of keys) {
      const child = [...at, key];
      if (desired[key] === undefined && w.expected?.(child)) continue;
      walk(desired[key], live[key], childPath(path, key), child, w);
    }
    return;
  }
  if (Array.isArray(desired) && Array.isArray(live)) {
    // Lists are replaced whole on apply, so an extra item is a difference even
    // when comparing only what git sets.
    const length = Math.max(desired.length, live.length);
    for (let i = 0; i < length; i++) {
      walk(desired[i], live[i], childPath(path, i), [...at, i], w);
    }
    return;
  }
  if (desired !== live) {
    w.out.push(difference(path, at, desired, live, w.disclose));
  }
}

/**
 * Where two value trees differ, deeply: dot paths, list items by index, keys
 * sorted so the same trees always give the same list, at most `limit`
 * entries. A key missing on one side is a difference (its side is omitted).
 * `options.disclose` decides which sides of each difference may be shown;
 * `options.expected` names places where keys only the live side has are
 * filled from elsewhere and are no difference.
 */
export function valuesDifferences(
  desired: unknown,
  live: unknown,
  base: string = '',
  limit: number = MAX_DIFFERENCES,
  options: Pick<Walk, 'disclose' | 'expected'> = {},
): GitopsReleaseDifference[] {
  const out: GitopsReleaseDifference[] = [];
  walk(desired, live, base, [], { keys: 'all', limit, out, ...options });
  return out;
}

/**
 * Like valuesDifferences, but keys only the live side has are ignored: for
 * objects that the API server, a controller or merged-in values add to.
 */
export function setFieldsDifferences(
  desired: unknown,
  live: unknown,
  base: string = '',
  limit: number = MAX_DIFFERENCES,
  options: Pick<Walk, 'disclose'> = {},
): GitopsReleaseDifference[] {
  const out: GitopsReleaseDifference[] = [];
  walk(desired, live, base, [], { keys: 'desired', limit, out, ...options });
  return out;
}
