import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ChartStatusRecord,
  ChartStatusStore,
  SyncStateStore,
} from '../database';
import { errorMessage } from '../kernel';
import { resolveChartSource } from './chartSource';
import {
  ChartVersionLookup,
  ListedChartSource,
  listingOf,
} from './chartVersionLookup';
import { newestAllowedVersion } from './chartVersions';
import { CHART_SOURCE_KINDS, FluxSources } from './fluxSources';
import { HelmIndexClient } from './HelmIndexClient';
import { OciChartClient } from './OciChartClient';

export type ChartUpdatesOutcome =
  | { status: 'scanned'; checked: number; failed: number }
  | { status: 'failed'; error: string };

/**
 * One repository's chart scan: for each Flux v2 release whose chart comes
 * from a Helm repository (https index or OCI) or an OCIRepository, the
 * newest version its range allows (Flux's `*` when it names none), stored
 * per release with when it was checked and any error. Each index or OCI
 * chart is listed once per scan, however many releases use it. Reads the
 * stores only; writes nothing to git.
 */
export class ChartUpdates {
  private readonly clock: () => Date;

  constructor(
    private readonly options: {
      repository: { id: string; url: string };
      syncStateStore: SyncStateStore;
      chartStatusStore: ChartStatusStore;
      helm: HelmIndexClient;
      oci: OciChartClient;
      logger: LoggerService;
      clock?: () => Date;
    },
  ) {
    this.clock = options.clock ?? (() => new Date());
  }

  /** Never throws: a failure is logged and returned, and the stored statuses stay. */
  async run(signal?: AbortSignal): Promise<ChartUpdatesOutcome> {
    const { repository, logger } = this.options;
    try {
      return await this.scan(signal);
    } catch (error) {
      const message = errorMessage(error);
      logger.warn('Chart scan failed; keeping the last chart statuses', {
        repository: repository.id,
        error: message,
      });
      return { status: 'failed', error: message };
    }
  }

  private async scan(signal?: AbortSignal): Promise<ChartUpdatesOutcome> {
    const { repository, syncStateStore, chartStatusStore, logger } =
      this.options;
    const [releases, objects] = await Promise.all([
      syncStateStore.releasesFromPaths(repository.id, 'all'),
      syncStateStore.listFluxObjects(repository.id, CHART_SOURCE_KINDS),
    ]);
    const sources = new FluxSources(objects, repository.url);
    const lookup = new ChartVersionLookup({
      helm: this.options.helm,
      oci: this.options.oci,
    });
    const statuses: ChartStatusRecord[] = [];
    for (const release of releases) {
      if (signal?.aborted) break;
      if (release.chart.type !== 'source') continue;
      const source = resolveChartSource(release.chart, release, sources);
      if (source.type !== 'helm-repository' && source.type !== 'oci-artifact')
        continue;
      statuses.push({
        repositoryId: repository.id,
        environment: release.environment,
        namespace: release.namespace,
        name: release.name,
        status: await this.check(lookup, source),
      });
    }
    if (signal?.aborted) {
      return {
        status: 'failed',
        error: 'Aborted before storing the chart statuses',
      };
    }
    await chartStatusStore.replaceChartStatuses(repository.id, statuses);
    const failed = statuses.filter(s => s.status.error).length;
    logger.info('Scanned charts', {
      repository: repository.id,
      checked: statuses.length,
      failed,
    });
    return { status: 'scanned', checked: statuses.length, failed };
  }

  private async check(lookup: ChartVersionLookup, source: ListedChartSource) {
    const range = source.range ?? '*';
    const base = {
      source: listingOf(source).url,
      chart: source.chartName,
      range,
      checkedAt: this.clock().toISOString(),
    };
    try {
      const latestVersion = newestAllowedVersion(
        await lookup.versions(source),
        range,
      );
      return latestVersion
        ? { ...base, latestVersion }
        : {
            ...base,
            error: `no version of ${source.chartName} satisfies ${range}`,
          };
    } catch (error) {
      return { ...base, error: errorMessage(error) };
    }
  }
}
