import net from 'node:net';

/** A loopback port free right now. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise(resolve => server.close(resolve));
  return port;
}

async function scrape(port: number): Promise<string> {
  // The exporter's server starts listening just after the SDK starts.
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await fetch(`http://localhost:${port}/metrics`);
      return await response.text();
    } catch (error) {
      if (attempt >= 50) throw error;
      await new Promise(resolve => setTimeout(resolve, 100));
    }
  }
}

type Instrumentation = {
  sdk: { shutdown(): Promise<void> };
  metricsPort: number;
};

describe('instrumentation', () => {
  const saved = { ...process.env };

  afterEach(() => {
    process.env = { ...saved };
  });

  it('refuses a port that is no port', () => {
    process.env.OTEL_EXPORTER_PROMETHEUS_PORT = 'metrics';
    jest.isolateModules(() => {
      expect(() => require('./instrumentation')).toThrow(
        'OTEL_EXPORTER_PROMETHEUS_PORT must be a TCP port',
      );
    });
  });

  it('starts the SDK with a Prometheus endpoint at the port the environment names', async () => {
    const port = await freePort();
    process.env.OTEL_EXPORTER_PROMETHEUS_PORT = String(port);
    delete process.env.OTEL_SERVICE_NAME;
    let instrumentation: Instrumentation | undefined;
    jest.isolateModules(() => {
      instrumentation = require('./instrumentation');
    });
    try {
      expect(instrumentation!.metricsPort).toBe(port);
      // The SDK's own resource, served before any plugin meters anything.
      expect(await scrape(port)).toMatch(
        /^target_info\{service_name="backstage-gitops-demo",/m,
      );
    } finally {
      await instrumentation!.sdk.shutdown();
    }
  });
});
