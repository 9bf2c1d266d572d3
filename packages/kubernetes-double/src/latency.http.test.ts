import {
  KubernetesDouble,
  startKubernetesDouble,
} from './startKubernetesDouble';

describe('added latency', () => {
  let double: KubernetesDouble;
  afterEach(() => double.stop());

  /** Milliseconds one authenticated list of pods takes, and its status. */
  async function timedList(): Promise<{ ms: number; status: number }> {
    const started = performance.now();
    const response = await fetch(`${double.url}/api/v1/pods`, {
      headers: { Authorization: `Bearer ${double.token}` },
    });
    await response.json();
    return { ms: performance.now() - started, status: response.status };
  }

  it('delays every answer by latencyMs, and setLatency changes it for later requests', async () => {
    double = await startKubernetesDouble({ latencyMs: 120 });
    const slow = await timedList();
    expect(slow.status).toBe(200);
    expect(slow.ms).toBeGreaterThanOrEqual(115);

    // Errors wait too: a remote cluster's 401 crosses the same network.
    const started = performance.now();
    const anonymous = await fetch(`${double.url}/api/v1/pods`);
    expect(anonymous.status).toBe(401);
    expect(performance.now() - started).toBeGreaterThanOrEqual(115);

    double.setLatency(0);
    const fast = await timedList();
    expect(fast.status).toBe(200);
    expect(fast.ms).toBeLessThan(slow.ms);
  });

  it('answers at once by default and refuses a negative latency', async () => {
    double = await startKubernetesDouble();
    expect((await timedList()).ms).toBeLessThan(100);
    expect(() => double.setLatency(-1)).toThrow(/latencyMs/);
    await expect(
      startKubernetesDouble({ latencyMs: Number.NaN }),
    ).rejects.toThrow(/latencyMs/);
  });
});
