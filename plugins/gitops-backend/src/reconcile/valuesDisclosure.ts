import { GitopsWithheldValues } from '@backstage-gitops/plugin-gitops-common';
import { holdsSecretLikeKey, isSecretLikeKey } from './secretLikeKey';
import {
  touchesTargetPath,
  ValueSources,
  ValuesPathSegment,
} from './valueSources';

/**
 * Decides which sides of one values difference may be shown; undefined when
 * both may. `at` is the difference's place under the values root.
 */
export type ValuesDisclosure = (
  at: readonly ValuesPathSegment[],
  desired: unknown,
  live: unknown,
) => GitopsWithheldValues | undefined;

function isPlain(value: unknown): boolean {
  return (
    value === null || ['string', 'number', 'boolean'].includes(typeof value)
  );
}

function present(
  desired: unknown,
  live: unknown,
): GitopsWithheldValues['sides'] {
  return [
    ...(desired !== undefined ? (['desired'] as const) : []),
    ...(live !== undefined ? (['live'] as const) : []),
  ];
}

/**
 * The rule that keeps secrets in the cluster: a cluster value is shown only
 * where git holds a plain value at the same key and nothing else can fill
 * it; nothing is shown, from either side, at or inside a key named like a
 * secret. Git's own values are otherwise shown: they are in the repository.
 */
export function valuesDisclosure(sources: ValueSources): ValuesDisclosure {
  return (at, desired, live) => {
    if (
      at.some(key => typeof key === 'string' && isSecretLikeKey(key)) ||
      holdsSecretLikeKey(desired) ||
      holdsSecretLikeKey(live)
    ) {
      return { sides: present(desired, live), reason: 'secret-name' };
    }
    if (live === undefined) return undefined;
    if (sources.mergesWhole || touchesTargetPath(sources, at)) {
      return { sides: ['live'], reason: 'values-from' };
    }
    if (!isPlain(desired) || !isPlain(live)) {
      return { sides: ['live'], reason: 'not-in-git' };
    }
    return undefined;
  };
}
