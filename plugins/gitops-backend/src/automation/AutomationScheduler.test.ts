import { mockServices } from '@backstage/backend-test-utils';
import { AutomationScheduler } from './AutomationScheduler';
import { ImageAutomation } from './ImageAutomation';

describe('AutomationScheduler', () => {
  const schedule = {
    frequency: { hours: 1 },
    timeout: { minutes: 1 },
    initialDelay: { hours: 1 },
  };

  async function setup() {
    const scheduler = mockServices.scheduler.mock();
    const calls: Array<string[] | 'all'> = [];
    let release: (() => void) | undefined;
    const automation = {
      run: jest.fn(
        async (
          _signal?: AbortSignal,
          only?: { images: Array<{ host: string; repository: string }> },
        ) => {
          calls.push(
            only ? only.images.map(i => `${i.host}/${i.repository}`) : 'all',
          );
          if (calls.length === 1)
            await new Promise<void>(resolve => (release = resolve));
          return { status: 'unchanged' as const, updates: [] as [] };
        },
      ),
    };
    const automations = new AutomationScheduler({
      scheduler,
      schedule,
      logger: mockServices.logger.mock(),
    });
    await automations.schedule(
      new Map([['config', automation as unknown as ImageAutomation]]),
    );
    const task = scheduler.scheduleTask.mock.calls[0][0];
    return { automations, task, calls, release: () => release?.() };
  }

  it('scans named images at once, merging those named during a run into one more run', async () => {
    const { automations, calls, release } = await setup();
    automations.scanImages([{ host: 'docker.io', repository: 'org/a' }]);
    expect(calls).toEqual([['docker.io/org/a']]);
    automations.scanImages([{ host: 'docker.io', repository: 'org/b' }]);
    automations.scanImages([
      { host: 'docker.io', repository: 'org/b' },
      { host: 'ghcr.io', repository: 'org/c' },
    ]);
    release();
    await automations.whenIdle('config');
    expect(calls).toEqual([
      ['docker.io/org/a'],
      ['docker.io/org/b', 'ghcr.io/org/c'],
    ]);
  });

  it('runs the scheduled scan of every image through the same gate, absorbing named scans', async () => {
    const { automations, task, calls, release } = await setup();
    expect(task).toMatchObject({
      id: 'gitops-image-automation:config',
      scope: 'global',
    });
    const scheduled = task.fn(new AbortController().signal);
    automations.scanImages([{ host: 'docker.io', repository: 'org/a' }]);
    void task.fn(new AbortController().signal);
    release();
    await scheduled;
    await automations.whenIdle('config');
    expect(calls).toEqual(['all', 'all']);
  });
});
