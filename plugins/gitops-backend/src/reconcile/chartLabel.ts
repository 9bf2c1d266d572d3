import { HelmRevision } from '../cluster';

/** The chart as `helm history` prints it: `podinfo-0.2.1`. */
export function chartLabel(revision: HelmRevision): string {
  if (revision.chartName && revision.chartVersion) {
    return `${revision.chartName}-${revision.chartVersion}`;
  }
  return revision.chartName ?? revision.chartVersion ?? 'an unknown chart';
}
