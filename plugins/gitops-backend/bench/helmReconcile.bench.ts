/*
 * Helm reconciliation at fleet size: a generated config repository with
 * 2,000 HelmReleases (helm.fluxcd.io/v1, one git chart) in 3 environments,
 * each on a simulated cluster of its own (dev -> cluster-a, stg -> cluster-b,
 * prod -> cluster-c, all `apply: true`), 10 namespaces per cluster. Per
 * cluster and in total it prints:
 *
 * 1. the first cycle (apply everything, the simulated operator installs);
 * 2. the steady cycle, nothing changed: time, requests, requests per
 *    namespace. In the same run, the same for a fleet a quarter the size
 *    (500 releases, the same namespaces), and the ratios: the requests must
 *    not depend on the number of releases;
 * 3. the cycle after one release's values changed in git;
 * 4. the cycle after a chart bump (0.1.0 -> 0.1.1), which upgrades every
 *    release, then checks every release's stored Helm history.
 *
 * Requests are counted by the Kubernetes API doubles; writes are everything
 * but GETs. Times are ClusterReconciler.run() per cluster, clusters one after
 * another; the doubles (and their simulated Helm operators, acting inside the
 * write that triggers them) run in this process, so their work is in the
 * times too. The git sync before each cycle is timed on its own.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { median, timed } from './benchTools';
import {
  cycle,
  CycleFigures,
  medianOf,
  printTable,
  routes,
  totalMs,
  totalOf,
  writeRoutes,
} from './helm/cycleFigures';
import { createFleet, Fleet, histories } from './helm/fleet';
import {
  chart,
  CLUSTERS,
  NAMESPACES,
  release,
  releasePath,
} from './helm/fleetRepository';

const RELEASES = 2000;
const QUARTER = RELEASES / 4;
const ROUNDS = 3;
/** Releases whose values change in step 3, one per round: all in dev. */
const CHANGED = [3, 6, 9];

export async function run() {
  const root = await mkdtemp(path.join(os.tmpdir(), 'gitops-bench-helm-'));
  const fleets: Fleet[] = [];
  try {
    const [fleet, setupMs] = await timed(() => createFleet(RELEASES, root));
    fleets.push(fleet);
    const quarter = await createFleet(QUARTER, root);
    fleets.push(quarter);

    console.log(
      `helm reconcile (${RELEASES} HelmReleases helm.fluxcd.io/v1, ${CLUSTERS.length} simulated clusters x ${NAMESPACES} namespaces, apply on; doubles in this process)`,
    );
    console.log(
      `  setup (generate + push the repository, start the doubles): ${setupMs.toFixed(
        0,
      )} ms`,
    );

    // 1. First cycle.
    const first = await cycle(fleet);
    console.log(
      `  1. first cycle, apply everything + install (git sync before it: ${first.syncMs.toFixed(
        0,
      )} ms)`,
    );
    printTable(fleet, first);
    console.log(
      `     writes by route, cluster-a: ${routes(
        writeRoutes(first.clusters[0].byRoute),
      )}`,
    );
    const quarterFirst = await cycle(quarter);

    // 2. Steady cycle, both fleets, rounds interleaved so noise hits both alike.
    const steadyRounds: CycleFigures[] = [];
    const quarterRounds: CycleFigures[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      steadyRounds.push(await cycle(fleet));
      quarterRounds.push(await cycle(quarter));
    }
    const steady = medianOf(steadyRounds);
    const steadyQuarter = medianOf(quarterRounds);
    const steadyTotal = median(steadyRounds.map(totalMs));
    const quarterTotal = median(quarterRounds.map(totalMs));
    console.log(
      `  2. steady cycle, nothing changed: median of ${ROUNDS} rounds (git sync before it: ${steady.syncMs.toFixed(
        0,
      )} ms; totals ${steadyRounds
        .map(r => totalMs(r).toFixed(0))
        .join(', ')} ms)`,
    );
    printTable(fleet, steady, { total: steadyTotal, perNamespace: true });
    console.log(
      `     requests by route, cluster-a: ${routes(
        steady.clusters[0].byRoute,
      )}`,
    );
    console.log(
      `   same, fleet a quarter the size (${QUARTER} releases, same namespaces; its first cycle took ${totalMs(
        quarterFirst,
      ).toFixed(0)} ms; totals ${quarterRounds
        .map(r => totalMs(r).toFixed(0))
        .join(', ')} ms)`,
    );
    printTable(quarter, steadyQuarter, {
      total: quarterTotal,
      perNamespace: true,
    });
    const requestsBig = totalOf(steady, 'requests');
    const requestsQuarter = totalOf(steadyQuarter, 'requests');
    console.log(
      `   ratio ${RELEASES}/${QUARTER}: requests ${requestsBig}/${requestsQuarter} = ${(
        requestsBig / requestsQuarter
      ).toFixed(2)} (target 1.00), ` +
        `per namespace ${(requestsBig / (NAMESPACES * CLUSTERS.length)).toFixed(
          2,
        )} vs ${(requestsQuarter / (NAMESPACES * CLUSTERS.length)).toFixed(
          2,
        )}, ` +
        `cycle time ${steadyTotal.toFixed(0)}/${quarterTotal.toFixed(
          0,
        )} ms = ${(steadyTotal / quarterTotal).toFixed(2)} (releases x${(
          RELEASES / QUARTER
        ).toFixed(2)})`,
    );

    // 3. One release's values changed in git, one per round, all in dev.
    const changeRounds: CycleFigures[] = [];
    for (const i of CHANGED) {
      await fleet.remote.commit(
        { [releasePath(i)]: release(i, 3) },
        `Scale app-${i}`,
      );
      changeRounds.push(await cycle(fleet));
    }
    const changed = medianOf(changeRounds);
    console.log(
      `  3. one release changed in git (replicaCount of app-${CHANGED.join(
        '/',
      )}, dev, one per round): median of ${ROUNDS} (git sync before it: ${changed.syncMs.toFixed(
        0,
      )} ms)`,
    );
    printTable(fleet, changed, {
      total: median(changeRounds.map(totalMs)),
      perNamespace: true,
    });
    console.log(
      `     writes by route, cluster-a: ${routes(
        writeRoutes(changed.clusters[0].byRoute),
      )}`,
    );

    // 4. Chart bump: every release is upgraded.
    await fleet.remote.commit(
      { 'charts/app/Chart.yaml': chart('0.1.1') },
      'Bump the chart to 0.1.1',
    );
    const bump = await cycle(fleet);
    console.log(
      `  4. chart bump 0.1.0 -> 0.1.1 (git sync before it: ${bump.syncMs.toFixed(
        0,
      )} ms)`,
    );
    printTable(fleet, bump);
    console.log(
      `     writes by route, cluster-a: ${routes(
        writeRoutes(bump.clusters[0].byRoute),
      )}`,
    );

    const stored = await histories(fleet);
    const counts = new Map<number, number>();
    const wrong: string[] = [];
    for (let i = 0; i < RELEASES; i++) {
      const revisions = stored.get(`app-${i}`) ?? [];
      counts.set(revisions.length, (counts.get(revisions.length) ?? 0) + 1);
      // Install, the values change of step 3 for those releases, the chart bump.
      const expected = CHANGED.includes(i) ? 3 : 2;
      const [newest, previous] = revisions;
      if (
        revisions.length !== expected ||
        newest.status !== 'deployed' ||
        newest.chartVersion !== '0.1.1' ||
        previous.status !== 'superseded'
      ) {
        wrong.push(
          `app-${i}: ${
            revisions
              .map(r => `${r.revision} ${r.status} ${r.chartVersion}`)
              .join(', ') || 'no history'
          }`,
        );
      }
    }
    const summary = [...counts.entries()]
      .sort(([a], [b]) => a - b)
      .map(([n, releases]) => `${releases} with ${n}`)
      .join(', ');
    console.log(
      `     stored Helm histories: ${summary} revisions (expected ${
        RELEASES - CHANGED.length
      } with 2, the ${
        CHANGED.length
      } changed in step 3 with 3); newest 0.1.1 deployed: ${
        wrong.length === 0 ? 'all' : `${RELEASES - wrong.length}`
      }`,
    );
    if (wrong.length > 0) {
      throw new Error(
        `${wrong.length} releases lack the chart bump's revision, e.g. ${wrong
          .slice(0, 3)
          .join('; ')}`,
      );
    }

    // The steady cycle again, now that Helm keeps 2 revisions per release.
    const afterRounds: CycleFigures[] = [];
    for (let round = 0; round < ROUNDS; round++)
      afterRounds.push(await cycle(fleet));
    const after = medianOf(afterRounds);
    const afterTotal = median(afterRounds.map(totalMs));
    console.log(
      `  steady cycle after the bump (2 Helm revisions per release): ${afterTotal.toFixed(
        0,
      )} ms, ${totalOf(after, 'requests')} requests, ${totalOf(
        after,
        'writes',
      )} writes, ${totalOf(
        after,
        'changed',
      )} statuses (median of ${ROUNDS}; x${(afterTotal / steadyTotal).toFixed(
        2,
      )} the time with 1 revision)`,
    );
  } finally {
    for (const fleet of fleets) await fleet.close();
    await rm(root, { recursive: true, force: true });
  }
}
