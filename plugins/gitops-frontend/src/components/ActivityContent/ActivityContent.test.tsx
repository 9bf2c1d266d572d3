import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { GitopsEvent } from '@backstage-gitops/plugin-gitops-common';
import { podinfoPipeline } from '../testEntities';
import { minutesAgo, presentingPeople, setupCardTest } from '../testUtils';
import { ActivityContent } from './ActivityContent';

const shared = setupCardTest(<ActivityContent />, '/events');
const { backend, renderCard } = shared;

const JANE = 'user:default/jane';
const people = presentingPeople({ [JANE]: 'Jane Doe' });

const of = (environment: string) => ({
  repository: 'config',
  environment,
  namespace: environment,
  name: `podinfo-${environment}`,
});

/** dev's automation commit, stg's promotion and lock, prod's state change: newest first. */
const story: GitopsEvent[] = [
  {
    id: 5,
    type: 'release-state',
    ...of('prod'),
    details: { to: 'Synced', cluster: 'demo' },
    at: minutesAgo(1),
  },
  {
    id: 4,
    type: 'locked',
    ...of('stg'),
    commit: 'c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3',
    author: 'Backstage GitOps',
    actor: JANE,
    message: 'Lock podinfo-stg in stg',
    details: { message: 'Incident 42' },
    at: minutesAgo(2),
  },
  {
    id: 3,
    type: 'promoted',
    ...of('stg'),
    commit: 'c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2',
    author: 'Backstage GitOps',
    actor: JANE,
    details: {
      image: 'stefanprodan/podinfo',
      tag: 'dev-2',
      from: { environment: 'dev' },
    },
    at: minutesAgo(3),
  },
  {
    id: 2,
    type: 'image-updated',
    ...of('dev'),
    commit: 'c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1',
    author: 'Backstage GitOps',
    message: 'Auto-release stefanprodan/podinfo:dev-2',
    details: { image: 'stefanprodan/podinfo', from: 'dev-1', to: 'dev-2' },
    at: minutesAgo(4),
  },
];

// Each read goes through msw and a render: slow on a shared machine.
const settled = { timeout: 10_000 };

const rows = () =>
  screen.getAllByTestId('activity-event').map(row =>
    within(row)
      .getAllByRole('cell')
      .map(cell => cell.textContent?.replace(', Opens in a new window', '')),
  );

describe('ActivityContent', () => {
  // The first render loads the view's modules: seconds on a shared machine.
  jest.setTimeout(20_000);

  beforeEach(() => {
    backend.current.releases = podinfoPipeline();
    backend.current.events = story;
  });

  shared.showsProgress();

  it('lists what happened in every environment, newest first: when, where, what, who and the commit', async () => {
    await renderCard({ entityPresentationApi: people });
    await screen.findAllByTestId('activity-event');
    expect(rows()).toEqual([
      [
        '1 minute ago',
        'prod',
        'podinfo-prod',
        'Synced in cluster demo',
        '',
        '',
      ],
      [
        '2 minutes ago',
        'stg',
        'podinfo-stg',
        'locked against image automation: Incident 42',
        'Jane Doe',
        'c3c3c3c3Lock podinfo-stg in stg',
      ],
      [
        '3 minutes ago',
        'stg',
        'podinfo-stg',
        'promoted stefanprodan/podinfo:dev-2 from dev',
        'Jane Doe',
        'c2c2c2c2',
      ],
      [
        '4 minutes ago',
        'dev',
        'podinfo-dev',
        'image stefanprodan/podinfo dev-1 -> dev-2',
        'Backstage GitOps',
        'c1c1c1c1Auto-release stefanprodan/podinfo:dev-2',
      ],
    ]);
    expect(screen.getByRole('link', { name: /^c2c2c2c2/ })).toHaveAttribute(
      'href',
      'https://github.com/example/config/commit/c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2',
    );
    // The view asks for the releases' events only, not repository-wide syncs.
    const [read] = backend.current.requests.filter(r => r.path === '/events');
    expect(read.query).toEqual({
      entityRef: 'component:default/podinfo',
      scope: 'releases',
      limit: '50',
    });
  });

  it('filters by environment, offering the environments of the entity in pipeline order', async () => {
    await renderCard();
    await screen.findAllByTestId('activity-event');
    const filter = screen.getByLabelText('Environment');
    await waitFor(
      () =>
        expect(
          within(filter)
            .getAllByRole('option')
            .map(o => o.textContent),
        ).toEqual(['All environments', 'dev', 'stg', 'prod']),
      settled,
    );

    fireEvent.change(filter, { target: { value: 'stg' } });
    await waitFor(() => expect(rows()).toHaveLength(2), settled);
    expect(rows().map(r => r[1])).toEqual(['stg', 'stg']);
    expect(
      backend.current.requests.filter(r => r.path === '/events').pop()?.query,
    ).toMatchObject({ environment: 'stg' });

    fireEvent.change(filter, { target: { value: 'dev' } });
    await waitFor(
      () => expect(rows().map(r => r[1])).toEqual(['dev']),
      settled,
    );

    fireEvent.change(filter, { target: { value: '' } });
    await waitFor(() => expect(rows()).toHaveLength(4), settled);
  });

  it('reads older events a page at a time, on request', async () => {
    backend.current.events = Array.from({ length: 60 }, (_, i) => ({
      id: 100 - i,
      type: 'release-state',
      ...of('dev'),
      details: { to: i % 2 ? 'Synced' : 'Progressing' },
      at: minutesAgo(i + 1),
    }));
    await renderCard();
    await screen.findAllByTestId('activity-event');
    expect(rows()).toHaveLength(50);
    fireEvent.click(screen.getByRole('button', { name: 'Show older events' }));
    await waitFor(() => expect(rows()).toHaveLength(60), settled);
    expect(rows()[59][0]).toBe('1 hour ago');
    expect(
      screen.queryByRole('button', { name: 'Show older events' }),
    ).not.toBeInTheDocument();
    expect(
      backend.current.requests.filter(r => r.path === '/events').pop()?.query,
    ).toMatchObject({ before: '50' });
  });

  it('says when nothing was recorded in the environment', async () => {
    backend.current.events = [];
    await renderCard();
    expect(
      await screen.findByText(
        'No activity recorded for the releases of podinfo yet.',
      ),
    ).toBeInTheDocument();
  });

  shared.showsErrorPanelWhenDown(503, 'gitops backend unavailable');
});
