import { jsonEqual } from '../jsonValue';
import { HelmReleaseRecord } from './helmStorage';
import { ReleaseOutcome } from './helmReleaseStatus';
import { ReleaseHistory, StoredRevision } from './releaseHistory';
import { DesiredRelease } from './releaseRequest';
import { UpgradeFaults } from './upgradeFaults';

/** Error Helm reports when the newest revision is still pending. */
const OPERATION_IN_PROGRESS =
  'another operation (install/upgrade/rollback) is in progress';

export type HelmAction = 'install' | 'upgrade';

/** What Helm would do for a release with these stored revisions. */
export function actionFor(revisions: StoredRevision[]): HelmAction {
  return revisions.length === 0 ? 'install' : 'upgrade';
}

/**
 * One `helm upgrade --install` of the desired release, as Helm would run
 * it: refused while the newest revision is pending, nothing when the
 * deployed revision already is what is asked for (`isDeployedFrom`), else a
 * new revision, failed or pending when a test injected that fault. A
 * deployed revision supersedes the one before it.
 */
export function upgradeRelease(options: {
  history: ReleaseHistory;
  desired: DesiredRelease;
  faults: UpgradeFaults;
  isDeployedFrom: (record: HelmReleaseRecord) => boolean;
  now: Date;
}): ReleaseOutcome {
  const { history, desired, faults, now } = options;
  const revisions = history.read(desired.storageNamespace, desired.releaseName);
  const latest = revisions[revisions.length - 1];
  const deployed = [...revisions]
    .reverse()
    .find(revision => revision.record.info.status === 'deployed');
  const action = actionFor(revisions);

  if (latest && latest.record.info.status.startsWith('pending-')) {
    return { result: 'failed', action, message: OPERATION_IN_PROGRESS };
  }
  if (
    deployed &&
    latest.record.info.status !== 'failed' &&
    options.isDeployedFrom(deployed.record)
  ) {
    return { result: 'unchanged', revision: deployed.record };
  }
  const write = (
    status: HelmReleaseRecord['info']['status'],
    description: string,
  ) => {
    const record = nextRevision(
      desired,
      revisions,
      deployed,
      status,
      description,
      now,
    );
    history.create(record, desired.storageNamespace, now);
    return record;
  };
  const install = action === 'install';
  const fault = faults.take(desired);
  if (fault?.kind === 'fail') {
    const description = install
      ? `Release "${desired.releaseName}" failed: ${fault.message}`
      : `Upgrade "${desired.releaseName}" failed: ${fault.message}`;
    const revision = write('failed', description);
    return { result: 'failed', action, message: fault.message, revision };
  }
  if (fault?.kind === 'stall') {
    const revision = install
      ? write('pending-install', 'Initial install underway')
      : write('pending-upgrade', 'Preparing upgrade');
    return { result: 'pending', action, revision };
  }
  const revision = write(
    'deployed',
    install ? 'Install complete' : 'Upgrade complete',
  );
  if (deployed) history.setStatus(deployed, 'superseded', now);
  return { result: 'deployed', action, revision };
}

/** Whether a stored revision holds the chart and values the HelmRelease asks for. */
export function holdsDesired(
  record: HelmReleaseRecord,
  desired: DesiredRelease,
): boolean {
  return (
    record.chart.metadata.name === desired.chartName &&
    record.chart.metadata.version === desired.chartVersion &&
    jsonEqual(record.config, desired.values)
  );
}

/** The release record of the revision after `revisions`. */
function nextRevision(
  desired: DesiredRelease,
  revisions: StoredRevision[],
  deployed: StoredRevision | undefined,
  status: HelmReleaseRecord['info']['status'],
  description: string,
  now: Date,
): HelmReleaseRecord {
  const version =
    revisions.reduce(
      (highest, revision) => Math.max(highest, revision.record.version),
      0,
    ) + 1;
  const time = now.toISOString();
  return {
    name: desired.releaseName,
    info: {
      // Helm carries the first deployment's time through upgrades.
      first_deployed: deployed?.record.info.first_deployed ?? time,
      last_deployed: time,
      deleted: '',
      description,
      status,
      notes: '',
    },
    chart: {
      metadata: {
        name: desired.chartName,
        version: desired.chartVersion,
        appVersion: desired.appVersion,
        apiVersion: 'v2',
      },
      values: {},
      templates: [],
    },
    config: desired.values,
    manifest: '',
    version,
    namespace: desired.releaseNamespace,
  };
}
