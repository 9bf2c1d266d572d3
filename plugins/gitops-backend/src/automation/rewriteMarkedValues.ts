import { parseImageReference } from '@backstage-gitops/plugin-gitops-common';
import { applySplices, scalarSource, TextSplice } from '../edits';
import { findMarkedValues } from '../manifests';

/** What an ImagePolicy chose, ready to be written into the values that name it. */
export type PolicyTarget = {
  /** The ImageRepository's image, e.g. `ghcr.io/stefanprodan/podinfo`. */
  image: string;
  tag: string;
  /** The chosen tag's manifest digest, when a `:digest` marker needs it. */
  digest?: string;
  /** Whether the policy moves a value holding `current` to `tag`: false for the same tag or a downgrade. */
  moves(current: string): boolean;
};

export type MarkedChange = {
  /** `namespace:name` of the policy. */
  setter: string;
  field?: 'tag' | 'name' | 'digest';
  oldValue: string;
  newValue: string;
};

/** The value a marker should hold now, or undefined to leave it. */
function newValue(
  field: MarkedChange['field'],
  current: string,
  target: PolicyTarget,
): string | undefined {
  switch (field) {
    case 'tag':
      return target.moves(current) ? target.tag : undefined;
    case 'name':
      return current !== target.image ? target.image : undefined;
    case 'digest':
      return target.digest && current !== target.digest
        ? target.digest
        : undefined;
    default: {
      const written = parseImageReference(current);
      // A digest-pinned whole reference is someone's deliberate choice.
      if (!written || written.digest) return undefined;
      return target.moves(written.tag)
        ? `${target.image}:${target.tag}`
        : undefined;
    }
  }
}

/**
 * Writes what each named policy chose into the marked values of one file,
 * as Flux's setters strategy does, keeping comments, quoting and all else.
 * `targets` is keyed by `namespace/name` of the policy. A file that is not
 * clean YAML is left whole (`error`).
 */
export function rewriteMarkedValues(
  text: string,
  targets: ReadonlyMap<string, PolicyTarget>,
): { content: string; changes: MarkedChange[] } | { error: string } {
  const { values, error } = findMarkedValues(text);
  if (error !== undefined) return { error };
  const splices: TextSplice[] = [];
  const changes: MarkedChange[] = [];
  for (const value of values) {
    const target = targets.get(
      `${value.policy.namespace}/${value.policy.name}`,
    );
    const to = target && newValue(value.field, value.text, target);
    if (to === undefined || !value.node.range) continue;
    const source = scalarSource(value.node, to);
    if (source === undefined) continue;
    splices.push({
      start: value.node.range[0],
      end: value.node.range[1],
      text: source,
    });
    changes.push({
      setter: `${value.policy.namespace}:${value.policy.name}`,
      ...(value.field ? { field: value.field } : {}),
      oldValue: value.text,
      newValue: to,
    });
  }
  if (splices.length === 0) return { content: text, changes: [] };
  try {
    return {
      content: applySplices(
        text,
        splices,
        () => new Error('two markers share one value'),
      ),
      changes,
    };
  } catch (cause) {
    return { error: cause instanceof Error ? cause.message : String(cause) };
  }
}
