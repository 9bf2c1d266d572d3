// One measured cycle of the helm benchmark (git sync, then each cluster's
// reconcile) and how its figures are summarised and printed.
import { median, timed } from '../benchTools';
import { Fleet } from './fleet';
import { NAMESPACES } from './fleetRepository';

export type ClusterFigures = {
  ms: number;
  requests: number;
  writes: number;
  /** Statuses stored (inserted or changed) by the cycle. */
  changed: number;
  applied: number;
  byRoute: Record<string, number>;
};

export type CycleFigures = { syncMs: number; clusters: ClusterFigures[] };

/** The routes that write: everything but GETs. */
export const writeRoutes = (byRoute: Record<string, number>) =>
  Object.fromEntries(
    Object.entries(byRoute).filter(([route]) => !route.startsWith('GET ')),
  );

const sum = (values: number[]) => values.reduce((total, n) => total + n, 0);

/** Git sync, then one reconcile per cluster, one after another. */
export async function cycle(fleet: Fleet): Promise<CycleFigures> {
  const [synced, syncMs] = await timed(() => fleet.sync.run());
  if (synced.status === 'failed')
    throw new Error(`git sync failed: ${synced.error}`);
  const clusters: ClusterFigures[] = [];
  for (const cluster of fleet.clusters) {
    cluster.double.resetRequests();
    const [outcome, ms] = await timed(() => cluster.reconciler.run());
    if (outcome.status !== 'reconciled') {
      throw new Error(`${cluster.name} did not reconcile: ${outcome.error}`);
    }
    const { total, byRoute } = cluster.double.requests();
    clusters.push({
      ms,
      requests: total,
      writes: sum(Object.values(writeRoutes(byRoute))),
      changed: outcome.changed,
      applied: outcome.applied,
      byRoute,
    });
  }
  return { syncMs, clusters };
}

/**
 * Per cluster, the median of each figure over rounds (requests never differ
 * between rounds here). A total's time is the median of the rounds' totals,
 * not a sum of medians: callers pass it to printTable.
 */
export function medianOf(rounds: CycleFigures[]): CycleFigures {
  const pick = (f: (c: CycleFigures) => number) => median(rounds.map(f));
  return {
    syncMs: pick(r => r.syncMs),
    clusters: rounds[0].clusters.map((first, i) => ({
      ms: pick(r => r.clusters[i].ms),
      requests: pick(r => r.clusters[i].requests),
      writes: pick(r => r.clusters[i].writes),
      changed: pick(r => r.clusters[i].changed),
      applied: pick(r => r.clusters[i].applied),
      byRoute: first.byRoute,
    })),
  };
}

export const totalMs = (figures: CycleFigures) =>
  sum(figures.clusters.map(c => c.ms));
export const totalOf = (
  figures: CycleFigures,
  field: 'requests' | 'writes' | 'changed' | 'applied',
) => sum(figures.clusters.map(c => c[field]));

const pad = (value: string | number, width: number) =>
  String(value).padStart(width);

export function printTable(
  fleet: Fleet,
  figures: CycleFigures,
  options: { total?: number; perNamespace?: boolean } = {},
) {
  const header = `    ${'cluster'.padEnd(10)}${pad('releases', 9)}${pad(
    'time ms',
    9,
  )}${pad('requests', 10)}${pad('writes', 8)}${
    options.perNamespace ? pad('per ns', 8) : ''
  }${pad('statuses', 10)}`;
  console.log(header);
  const row = (
    name: string,
    releases: number,
    ms: number,
    c: Omit<ClusterFigures, 'ms' | 'byRoute'>,
    namespaces: number,
  ) =>
    console.log(
      `    ${name.padEnd(10)}${pad(releases, 9)}${pad(ms.toFixed(0), 9)}${pad(
        c.requests,
        10,
      )}${pad(c.writes, 8)}${
        options.perNamespace ? pad((c.requests / namespaces).toFixed(2), 8) : ''
      }${pad(c.changed, 10)}`,
    );
  fleet.clusters.forEach((cluster, i) =>
    row(
      cluster.name,
      cluster.releases,
      figures.clusters[i].ms,
      figures.clusters[i],
      NAMESPACES,
    ),
  );
  row(
    'total',
    fleet.releases,
    options.total ?? totalMs(figures),
    {
      requests: totalOf(figures, 'requests'),
      writes: totalOf(figures, 'writes'),
      changed: totalOf(figures, 'changed'),
      applied: totalOf(figures, 'applied'),
    },
    NAMESPACES * fleet.clusters.length,
  );
}

/** `n x route` for each route, sorted by route. */
export const routes = (byRoute: Record<string, number>) =>
  Object.entries(byRoute)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([route, n]) => `${n} x ${route}`)
    .join(', ');
