import { errorMessage } from '../kernel';
import { ChartSource } from './chartSource';
import { HelmIndex, HelmIndexClient } from './HelmIndexClient';
import { OciChartClient } from './OciChartClient';

/** Where a chart's versions are listed: the sources that have a list. */
export type ListedChartSource = Extract<
  ChartSource,
  { type: 'helm-repository' | 'oci-artifact' }
>;

/** The url a chart's versions are listed at, and under which name. */
export function listingOf(source: ListedChartSource): {
  url: string;
  chart?: string;
  oci: boolean;
} {
  if (source.type === 'oci-artifact') return { url: source.url, oci: true };
  if (source.oci) {
    return {
      url: `${source.url.replace(/\/+$/, '')}/${source.chartName}`,
      oci: true,
    };
  }
  return { url: source.url, chart: source.chartName, oci: false };
}

/**
 * One scan's view of chart versions: each Helm repository index and each
 * OCI chart is fetched once however many releases use it, and a failure is
 * remembered for the scan, not retried per release.
 */
export class ChartVersionLookup {
  private readonly indexes = new Map<string, Promise<HelmIndex>>();
  private readonly ociCharts = new Map<string, Promise<string[]>>();

  constructor(
    private readonly clients: { helm: HelmIndexClient; oci: OciChartClient },
  ) {}

  /** The versions the source lists; throws why they could not be read. */
  async versions(source: ListedChartSource): Promise<string[]> {
    const listing = listingOf(source);
    if (listing.oci) {
      return this.memo(this.ociCharts, listing.url, () =>
        this.clients.oci.versions(listing.url).catch(error => {
          throw new Error(`${listing.url}: ${errorMessage(error)}`);
        }),
      );
    }
    const key = listing.url.replace(/\/+$/, '');
    // The index client's errors name the index url already.
    const index = await this.memo(this.indexes, key, () =>
      this.clients.helm.read(listing.url),
    );
    const versions = index.get(listing.chart!);
    if (!versions) {
      throw new Error(`the index of ${key} has no chart ${listing.chart}`);
    }
    return versions;
  }

  private memo<T>(
    cache: Map<string, Promise<T>>,
    key: string,
    load: () => Promise<T>,
  ): Promise<T> {
    let pending = cache.get(key);
    if (!pending) {
      pending = load();
      cache.set(key, pending);
    }
    return pending;
  }
}
