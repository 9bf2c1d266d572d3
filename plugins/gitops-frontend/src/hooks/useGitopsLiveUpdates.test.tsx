import { act, screen, waitFor, within } from '@testing-library/react';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { SignalApi, signalApiRef } from '@backstage/plugin-signals-react';
import {
  mockApis,
  MockFetchApi,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { GITOPS_ENVIRONMENTS_SIGNAL_CHANNEL } from '@backstage-gitops/plugin-gitops-common';
import { gitopsApiRef, GitopsClient } from '../api';
import { EnvironmentsCard } from '../components/EnvironmentsCard';
import { ReleasesCard } from '../components/ReleasesCard';
import {
  podinfoEntity,
  podinfoPipeline,
  podinfoRelease,
} from '../components/testEntities';
import { baseUrl, setupFakeBackend } from '../components/testUtils';
import { GITOPS_POLL_INTERVAL_MS } from './useGitopsLiveUpdates';

const backend = setupFakeBackend();
const reads = (path: string) => backend.current.count('GET', path);

type JsonObject = Parameters<Parameters<SignalApi['subscribe']>[1]>[0];

/** A signal API whose messages the test sends. */
class TestSignals implements SignalApi {
  readonly subscribers = new Map<string, Set<(message: JsonObject) => void>>();

  subscribe<T extends JsonObject>(
    channel: string,
    onMessage: (message: T) => void,
  ) {
    const handlers = this.subscribers.get(channel) ?? new Set();
    handlers.add(onMessage as (message: JsonObject) => void);
    this.subscribers.set(channel, handlers);
    return {
      unsubscribe: () => {
        handlers.delete(onMessage as (message: JsonObject) => void);
      },
    };
  }

  send(channel: string) {
    act(() =>
      this.subscribers.get(channel)?.forEach(h => h({ type: 'changed' })),
    );
  }
}

async function renderPage(signals?: SignalApi) {
  const client = new GitopsClient({
    discoveryApi: { getBaseUrl: async () => baseUrl },
    fetchApi: new MockFetchApi(),
  });
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [gitopsApiRef, client],
        [permissionApiRef, mockApis.permission()],
        ...(signals ? [[signalApiRef, signals] as const] : []),
      ]}
    >
      <EntityProvider entity={podinfoEntity}>
        <ReleasesCard />
        <EnvironmentsCard />
      </EntityProvider>
    </TestApiProvider>,
  );
  await screen.findByTestId('release-prod');
  await screen.findByTestId('stage-prod');
}

function newStgRelease() {
  const [dev, , prod] = podinfoPipeline();
  backend.current.releases = [
    dev,
    podinfoRelease('stg', 'stg-new', 'glob:stg-*'),
    prod,
  ];
}

// Both cards render in full, several times, on a machine shared with others.
jest.setTimeout(30_000);

describe('useGitopsLiveUpdates', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('reads again, once for both cards, when the entity or the environments are signalled', async () => {
    backend.current.releases = podinfoPipeline();
    const signals = new TestSignals();
    await renderPage(signals);
    expect(reads('/releases')).toBe(1);
    expect([...signals.subscribers.keys()].sort()).toEqual([
      'gitops:entity:component:default/podinfo',
      GITOPS_ENVIRONMENTS_SIGNAL_CHANNEL,
    ]);

    newStgRelease();
    // One change arrives on both channels, to both cards.
    signals.send('gitops:entity:component:default/podinfo');
    signals.send(GITOPS_ENVIRONMENTS_SIGNAL_CHANNEL);
    expect(
      await within(screen.getByTestId('stage-stg')).findByText('stg-new'),
    ).toBeInTheDocument();
    expect(
      await within(screen.getByTestId('release-stg')).findByText(
        'stefanprodan/podinfo:stg-new',
      ),
    ).toBeInTheDocument();
    expect(reads('/releases')).toBe(2);
    expect(reads('/environments')).toBe(2);

    signals.send(GITOPS_ENVIRONMENTS_SIGNAL_CHANNEL);
    await waitFor(() => expect(reads('/releases')).toBe(3));
  });

  it('does not read for another entity, nor poll while signals are installed', async () => {
    backend.current.releases = podinfoPipeline();
    const signals = new TestSignals();
    jest.useFakeTimers({ advanceTimers: true });
    await renderPage(signals);
    signals.send('gitops:entity:component:default/other');
    act(() => {
      jest.advanceTimersByTime(3 * GITOPS_POLL_INTERVAL_MS);
    });
    // Give a read that should not happen the chance to.
    await act(async () => {
      await new Promise(resolve => setTimeout(resolve, 50));
    });
    expect(reads('/releases')).toBe(1);
  });

  it('polls slowly without signals, only while the page is visible', async () => {
    backend.current.releases = podinfoPipeline();
    jest.useFakeTimers({ advanceTimers: true });
    await renderPage();
    expect(reads('/releases')).toBe(1);

    newStgRelease();
    act(() => {
      jest.advanceTimersByTime(GITOPS_POLL_INTERVAL_MS + 1000);
    });
    expect(
      await within(screen.getByTestId('stage-stg')).findByText('stg-new'),
    ).toBeInTheDocument();
    expect(reads('/releases')).toBe(2);

    const visibility = jest
      .spyOn(document, 'visibilityState', 'get')
      .mockReturnValue('hidden');
    try {
      act(() => {
        jest.advanceTimersByTime(3 * GITOPS_POLL_INTERVAL_MS);
      });
      await act(async () => {
        await new Promise(resolve => setTimeout(resolve, 50));
      });
      expect(reads('/releases')).toBe(2);
    } finally {
      visibility.mockRestore();
    }
    // Shown again: the skipped polls are made up for at once, by one read.
    act(() => {
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await waitFor(() => expect(reads('/releases')).toBe(3));
    act(() => {
      jest.advanceTimersByTime(GITOPS_POLL_INTERVAL_MS + 1000);
    });
    await waitFor(() => expect(reads('/releases')).toBe(4));
  });
});
