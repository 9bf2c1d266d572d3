import http from 'node:http';
import { AddressInfo } from 'node:net';
import { pushTestImage } from './pushTestImage';
import { startTestRegistry, TestRegistry } from './startTestRegistry';

jest.setTimeout(30_000);

describe('startTestRegistry with notifications', () => {
  let registry: TestRegistry | undefined;
  let receiver: http.Server | undefined;
  afterEach(async () => {
    await registry?.stop();
    await new Promise(resolve =>
      receiver ? receiver.close(resolve) : resolve(undefined),
    );
  });

  it('notifies the endpoint of a pushed tag, with the configured headers', async () => {
    const received: Array<{ authorization?: string; body: any }> = [];
    receiver = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', chunk => chunks.push(chunk));
      request.on('end', () => {
        received.push({
          authorization: request.headers.authorization,
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
        });
        response.writeHead(200).end();
      });
    });
    await new Promise<void>(resolve =>
      receiver!.listen(0, '127.0.0.1', resolve),
    );
    const { port } = receiver.address() as AddressInfo;

    registry = await startTestRegistry({
      notifications: {
        url: `http://127.0.0.1:${port}/hook`,
        headers: { Authorization: 'Bearer test-token' },
      },
    });
    await pushTestImage(registry, {
      repository: 'org/app',
      tag: 'v1',
      created: '2026-11-03T10:00:00Z',
    });

    const deadline = Date.now() + 10_000;
    const pushOf = () =>
      received
        .flatMap(r => r.body.events.map((event: any) => ({ ...r, event })))
        .find(
          ({ event }) => event.action === 'push' && event.target?.tag === 'v1',
        );
    while (!pushOf() && Date.now() < deadline) {
      await new Promise(resolve => setTimeout(resolve, 50));
    }
    expect(pushOf()).toMatchObject({
      authorization: 'Bearer test-token',
      event: { target: { repository: 'org/app', tag: 'v1' } },
    });
  });
});
