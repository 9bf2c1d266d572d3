/** A key in a values tree, or a list index. */
export type ValuesPathSegment = string | number;

/** Where a release's deployed values come from besides git's `spec.values`. */
export type ValueSources = {
  /**
   * Some source merges a whole values document (v1 `valuesFrom`, v2
   * `valuesFrom` without `targetPath`, v2 `upgrade.preserveValues`): any
   * deployed key may have come from it.
   */
  mergesWhole: boolean;
  /** Keys v2 `valuesFrom[].targetPath` sets, as segments. */
  targetPaths: string[][];
};

// The HelmRelease CRD of helm-controller bounds targetPath to 250 characters.
const MAX_TARGET_PATH = 250;

type Mapping = Record<string, unknown>;

function mapping(value: unknown): Mapping | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Mapping)
    : undefined;
}

/**
 * Helm's `--set` path syntax, as helm-controller reads `targetPath`: keys
 * split on dots (`\.` is a literal dot), `[n]` indexes a list. Undefined for
 * what it cannot read, which the caller takes as "could be anywhere".
 */
export function parseTargetPath(text: string): string[] | undefined {
  if (text === '' || text.length > MAX_TARGET_PATH) return undefined;
  const segments: string[] = [];
  let current = '';
  // Right after `[n]`, a further `[m]` indexes a list in a list.
  let afterIndex = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '\\' && i + 1 < text.length) {
      current += text[++i];
      afterIndex = false;
    } else if (char === '.') {
      if (current === '') return undefined;
      segments.push(current);
      current = '';
    } else if (char === '[') {
      const close = text.indexOf(']', i);
      const index = close < 0 ? '' : text.slice(i + 1, close);
      if ((current === '' && !afterIndex) || !/^\d+$/.test(index))
        return undefined;
      if (current !== '') segments.push(current);
      segments.push(String(Number(index)));
      current = '';
      afterIndex = true;
      i = close;
      // What follows an index is `.key`, `[n]` or the end.
      if (text[i + 1] === '.') {
        i++;
        afterIndex = false;
      } else if (i + 1 < text.length && text[i + 1] !== '[') {
        return undefined;
      }
    } else {
      current += char;
      afterIndex = false;
    }
  }
  if (current !== '') segments.push(current);
  return segments.length > 0 ? segments : undefined;
}

function addSources(spec: Mapping | undefined, into: ValueSources): void {
  if (!spec) return;
  if (mapping(spec.upgrade)?.preserveValues === true) into.mergesWhole = true;
  const valuesFrom = spec.valuesFrom;
  if (valuesFrom === undefined || valuesFrom === null) return;
  if (!Array.isArray(valuesFrom)) {
    into.mergesWhole = true;
    return;
  }
  for (const entry of valuesFrom) {
    // v1 entries (secretKeyRef, configMapKeyRef, externalSourceRef,
    // chartFileRef) always merge a whole document; so does a v2 entry
    // without a targetPath, or with one we cannot read.
    const targetPath = mapping(entry)?.targetPath;
    const segments =
      typeof targetPath === 'string' ? parseTargetPath(targetPath) : undefined;
    if (segments) into.targetPaths.push(segments);
    else into.mergesWhole = true;
  }
}

/**
 * The sources a release's deployed values may come from, read from each spec
 * given: git's, and the HelmRelease object in the cluster, whose older spec
 * may be the one the deployed revision was made from.
 */
export function valueSources(...specs: Array<unknown>): ValueSources {
  const sources: ValueSources = { mergesWhole: false, targetPaths: [] };
  for (const spec of specs) addSources(mapping(spec), sources);
  return sources;
}

/** Whether `at` lies on a target path: at it, under it, or above it. */
export function touchesTargetPath(
  sources: ValueSources,
  at: readonly ValuesPathSegment[],
): boolean {
  return sources.targetPaths.some(target => {
    const shared = Math.min(target.length, at.length);
    for (let i = 0; i < shared; i++) {
      if (target[i] !== String(at[i])) return false;
    }
    return true;
  });
}
