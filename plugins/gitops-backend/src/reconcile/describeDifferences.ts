import { isVersionRange } from './chartVersionMatches';
import { ReleaseDifferences } from './releaseDifferences';
import {
  GitopsReleaseDifference,
  GitopsWithheldValues,
} from '@backstage-gitops/plugin-gitops-common';

// Long enough for a tag or a short list, short enough for one line on a card.
const MAX_VALUE_TEXT = 60;

function showValue(value: unknown): string {
  if (value === undefined) return 'absent';
  const shown = JSON.stringify(value) ?? String(value);
  return shown.length > MAX_VALUE_TEXT
    ? `${shown.slice(0, MAX_VALUE_TEXT - 1)}…`
    : shown;
}

const WITHHELD_BECAUSE: Record<GitopsWithheldValues['reason'], string> = {
  'secret-name': 'named like a secret',
  'values-from': 'valuesFrom may fill it',
  'not-in-git': 'git holds no plain value there',
};

function showPath(path: string): string {
  return path === '' ? '(top level)' : path;
}

function atFirst(
  what: string,
  found: GitopsReleaseDifference[],
  stripPrefix: string,
): string {
  const [first] = found;
  const path = first.path.startsWith(stripPrefix)
    ? first.path.slice(stripPrefix.length)
    : first.path;
  const more = found.length > 1 ? ` (and ${found.length - 1} more)` : '';
  const withheld = first.withheld;
  if (withheld?.sides.includes('desired')) {
    return `${what} at ${showPath(path)} (values not shown: ${
      WITHHELD_BECAUSE[withheld.reason]
    })${more}`;
  }
  const live = withheld?.sides.includes('live')
    ? `not shown (${WITHHELD_BECAUSE[withheld.reason]})`
    : showValue(first.live);
  return `${what} at ${showPath(path)}: ${live} in cluster, ${showValue(
    first.desired,
  )} in git${more}`;
}

/**
 * One line saying what differs, most telling first: the chart version, then
 * the deployed values, then the HelmRelease object. Only the first place of
 * each kind is spelled out; `differences` carries them all.
 */
export function describeDifferences(found: ReleaseDifferences): string {
  const parts: string[] = [];
  const [chart] = found.chart;
  if (chart) {
    const wanted = String(chart.desired);
    parts.push(
      `chart version ${String(chart.live)} deployed, git ${
        isVersionRange(wanted) ? 'asks for' : 'says'
      } ${wanted}`,
    );
  }
  if (found.values.length > 0) {
    parts.push(atFirst('values differ', found.values, 'values.'));
  }
  if (found.spec.length > 0) {
    parts.push(atFirst('HelmRelease in cluster differs', found.spec, ''));
  }
  return parts.join('; ');
}
