import {
  KubernetesDouble,
  KubernetesDoubleOptions,
  startKubernetesDouble,
} from '../startKubernetesDouble';

/**
 * One double shared by every test of the calling `describe`: started before
 * the first, stopped after the last. `get` reads raw JSON with the double's
 * token, for the paths a typed client does not cover (discovery, lists by URL).
 */
export function kubernetesDoubleForSuite(options?: KubernetesDoubleOptions) {
  let started: KubernetesDouble | undefined;
  beforeAll(async () => {
    started = await startKubernetesDouble(options);
  });
  afterAll(() => started?.stop());

  const suite = {
    get double(): KubernetesDouble {
      if (!started) throw new Error('The double starts in beforeAll');
      return started;
    },
    async get(path: string): Promise<{ status: number; body: any }> {
      const response = await fetch(`${suite.double.url}${path}`, {
        headers: { Authorization: `Bearer ${suite.double.token}` },
      });
      return { status: response.status, body: await response.json() };
    },
  };
  return suite;
}
