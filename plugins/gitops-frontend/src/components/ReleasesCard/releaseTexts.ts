import {
  GitopsRelease,
  GitopsReleaseDifference,
  GitopsWithheldValues,
} from '@backstage-gitops/plugin-gitops-common';
import { shownLocked } from '../shared/locks';

const show = (value: unknown) =>
  value === undefined ? 'nothing' : JSON.stringify(value);

const WITHHELD_BECAUSE: Record<GitopsWithheldValues['reason'], string> = {
  'secret-name': 'named like a secret',
  'values-from': 'valuesFrom may fill it',
  'not-in-git': 'git holds no plain value there',
};

/** One difference in words; a side the backend withheld (it may be a secret) is said to be hidden, not absent. */
export function describeDifference(d: GitopsReleaseDifference): string {
  const hidden = (side: 'desired' | 'live') => d.withheld?.sides.includes(side);
  const side = (which: 'desired' | 'live') =>
    hidden(which) ? 'a value not shown' : show(d[which]);
  const why = d.withheld ? ` (${WITHHELD_BECAUSE[d.withheld.reason]})` : '';
  return `${d.path}: git wants ${side('desired')}, the cluster has ${side(
    'live',
  )}${why}`;
}

/** "glob:dev-*", "semver:~0.4, locked" or "manual". */
export function automationOf(release: GitopsRelease): string {
  const locked = shownLocked(release);
  if (!release.automated) return locked ? 'manual, locked' : 'manual';
  const policies = [...new Set(release.images.map(i => i.policy ?? 'glob:*'))];
  return `${policies.join(', ')}${locked ? ', locked' : ''}`;
}
