import {
  isDowngrade,
  PolicyDefinition,
  policyAllows,
  selectLatestTag,
  TagCandidate,
  TagChoice,
} from '@backstage-gitops/plugin-gitops-common';

/** What one policy makes of one image's tags, measured against the tag written now. */
export type TagDecision =
  | { kind: 'no-match' }
  | {
      kind: 'choice';
      choice: TagChoice;
      /** The choice is older or lower than the current tag: reported, never committed. */
      downgrade: boolean;
      /** The choice differs from the current tag and is not a downgrade. */
      moves: boolean;
    };

/**
 * The newest tag `policy` allows among `tags`, and whether moving `current`
 * to it is a move automation may commit. Pure, so that the scan's decision
 * and the re-decision at the head a commit is written on agree.
 */
export function decideTag(
  policy: PolicyDefinition,
  current: string,
  tags: TagCandidate[],
): TagDecision {
  const candidates = tags.filter(t => policyAllows(policy, t.tag));
  const choice = selectLatestTag(policy, candidates);
  if (!choice) return { kind: 'no-match' };
  const downgrade =
    choice.tag !== current &&
    isDowngrade(policy, current, choice.tag, candidates);
  return {
    kind: 'choice',
    choice,
    downgrade,
    moves: choice.tag !== current && !downgrade,
  };
}
