import { GITOPS_METRICS, GitopsMetrics } from './GitopsMetrics';
import { meterClusterApi } from './meterClusterApi';
import { outcomeOfError, outcomeOfStatus } from './requestOutcome';
import { createTestMetrics } from './__testUtils__/testMeter';

describe('GitopsMetrics', () => {
  let test: ReturnType<typeof createTestMetrics>;

  beforeEach(() => {
    test = createTestMetrics();
  });

  afterEach(() => test.shutdown());

  it('records durations in seconds per repository or cluster and outcome', async () => {
    test.metrics.syncFinished('config', 'synced', 1.5);
    test.metrics.syncFinished('config', 'synced', 0.5);
    test.metrics.syncFinished('config', 'failed', 2);
    test.metrics.reconcileFinished('demo', 'reconciled', 3);

    expect(await test.unitOf(GITOPS_METRICS.syncDuration)).toBe('s');
    expect(await test.histograms(GITOPS_METRICS.syncDuration)).toEqual(
      expect.arrayContaining([
        {
          attributes: { repository: 'config', outcome: 'synced' },
          count: 2,
          sum: 2,
        },
        {
          attributes: { repository: 'config', outcome: 'failed' },
          count: 1,
          sum: 2,
        },
      ]),
    );
    expect(await test.histograms(GITOPS_METRICS.reconcileDuration)).toEqual([
      {
        attributes: { cluster: 'demo', outcome: 'reconciled' },
        count: 1,
        sum: 3,
      },
    ]);
  });

  it('counts commits by reason and requests by outcome', async () => {
    test.metrics.commitPushed('config', 'lock');
    test.metrics.commitPushed('config', 'lock');
    test.metrics.commitPushed('config', 'promotion');
    test.metrics.registryRequest('docker.io', 'rate_limited');
    test.metrics.clusterRequest('demo', 'apply', 'refused');

    expect(await test.values(GITOPS_METRICS.commits)).toEqual(
      expect.arrayContaining([
        { attributes: { repository: 'config', reason: 'lock' }, value: 2 },
        { attributes: { repository: 'config', reason: 'promotion' }, value: 1 },
      ]),
    );
    expect(await test.values(GITOPS_METRICS.registryRequests)).toEqual([
      {
        attributes: { registry: 'docker.io', outcome: 'rate_limited' },
        value: 1,
      },
    ]);
    expect(await test.values(GITOPS_METRICS.clusterRequests)).toEqual([
      {
        attributes: { cluster: 'demo', operation: 'apply', outcome: 'refused' },
        value: 1,
      },
    ]);
  });

  it('reads the releases gauge at each collection until unsubscribed; a failed read fails no collection', async () => {
    let counts = [{ environment: 'dev', state: 'Synced', count: 3 }];
    let reads = 0;
    let fail = false;
    const stop = test.metrics.observeReleases(async () => {
      reads++;
      if (fail) throw new Error('database gone');
      return counts;
    });
    expect(await test.values(GITOPS_METRICS.releases)).toEqual([
      { attributes: { environment: 'dev', state: 'Synced' }, value: 3 },
    ]);

    counts = [
      { environment: 'dev', state: 'Synced', count: 2 },
      { environment: 'dev', state: 'Drifted', count: 1 },
    ];
    expect(await test.values(GITOPS_METRICS.releases)).toEqual(
      expect.arrayContaining([
        { attributes: { environment: 'dev', state: 'Synced' }, value: 2 },
        { attributes: { environment: 'dev', state: 'Drifted' }, value: 1 },
      ]),
    );
    expect(reads).toBe(2);

    fail = true;
    await expect(test.values(GITOPS_METRICS.releases)).resolves.toBeDefined();
    expect(reads).toBe(3);
    stop();
    await test.values(GITOPS_METRICS.releases);
    expect(reads).toBe(3);
  });

  it('records nothing, and fails nothing, without a meter', () => {
    const none = GitopsMetrics.none();
    expect(() => {
      none.syncFinished('config', 'synced', 1);
      none.commitPushed('config', 'automation');
      none.observeReleases(async () => [])();
    }).not.toThrow();
  });
});

describe('request outcomes', () => {
  it('names an answer by its status', () => {
    expect(
      [200, 302, 401, 403, 404, 409, 429, 500, 503].map(outcomeOfStatus),
    ).toEqual([
      'ok',
      'ok',
      'refused',
      'refused',
      'not_found',
      'error',
      'rate_limited',
      'error',
      'error',
    ]);
  });

  it('names a failure by the status it carries, else by whether it timed out', () => {
    expect(outcomeOfError(Object.assign(new Error('x'), { status: 403 }))).toBe(
      'refused',
    );
    // The Kubernetes client's ApiException carries the status as `code`.
    expect(outcomeOfError(Object.assign(new Error('x'), { code: 404 }))).toBe(
      'not_found',
    );
    expect(
      outcomeOfError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' })),
    ).toBe('error');
    expect(outcomeOfError(new DOMException('slow', 'TimeoutError'))).toBe(
      'timeout',
    );
    expect(outcomeOfError(new DOMException('stopped', 'AbortError'))).toBe(
      'error',
    );
    expect(outcomeOfError(undefined)).toBe('error');
  });
});

describe('meterClusterApi', () => {
  it('counts each call by method and outcome, passing answers and errors through', async () => {
    const test = createTestMetrics();
    const api = {
      prefix: 'hr-',
      async listHelmReleases(namespace: string) {
        return [`${this.prefix}${namespace}`];
      },
      async apply() {
        throw Object.assign(new Error('forbidden'), { status: 403 });
      },
      async read() {
        throw new Error('cluster unreachable');
      },
      describe() {
        return 'not a request';
      },
    };
    const metered = meterClusterApi(api, 'demo', test.metrics);

    expect(await metered.listHelmReleases('dev')).toEqual(['hr-dev']);
    expect(await metered.listHelmReleases('stg')).toEqual(['hr-stg']);
    await expect(metered.apply()).rejects.toThrow('forbidden');
    await expect(metered.read()).rejects.toThrow('cluster unreachable');
    expect(metered.describe()).toBe('not a request');
    expect(metered.prefix).toBe('hr-');

    const counted = await test.values(GITOPS_METRICS.clusterRequests);
    expect(counted).toHaveLength(3);
    expect(counted).toEqual(
      expect.arrayContaining([
        {
          attributes: {
            cluster: 'demo',
            operation: 'listHelmReleases',
            outcome: 'ok',
          },
          value: 2,
        },
        {
          attributes: {
            cluster: 'demo',
            operation: 'apply',
            outcome: 'refused',
          },
          value: 1,
        },
        {
          attributes: { cluster: 'demo', operation: 'read', outcome: 'error' },
          value: 1,
        },
      ]),
    );
    await test.shutdown();
  });
});
