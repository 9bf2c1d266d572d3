import { fireEvent, screen, within } from '@testing-library/react';
import { podinfoRelease } from '../testEntities';
import { minutesAgo, presentingPeople, setupCardTest } from '../testUtils';
import { ReleasesCard } from './ReleasesCard';

const { backend, renderCard } = setupCardTest(<ReleasesCard />, '/releases');

const JANE = 'user:default/jane';
const BOT = 'Backstage GitOps';
const LOCK_COMMIT = 'c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3';
const people = presentingPeople({ [JANE]: 'Jane Doe' });

const eventText = (event: HTMLElement) =>
  event.textContent?.replace(/, Opens in a new window/g, '');

describe('ReleasesCard: who did it', () => {
  // The first render loads the card's modules: seconds on a shared machine.
  jest.setTimeout(20_000);

  beforeEach(() => {
    const stg = { environment: 'stg', namespace: 'stg', name: 'podinfo-stg' };
    backend.current.releases = [
      podinfoRelease('dev', 'dev-2', 'glob:dev-*', {
        commit: 'a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1',
      }),
      podinfoRelease('stg', 'dev-2', 'glob:stg-*', {
        commit: LOCK_COMMIT,
        locked: true,
        lockedBy: JANE,
        lockedMessage: 'Incident 42: hold stg',
      }),
    ];
    backend.current.events = [
      {
        id: 4,
        type: 'locked',
        repository: 'config',
        ...stg,
        commit: LOCK_COMMIT,
        author: BOT,
        actor: JANE,
        message: 'Lock podinfo-stg in stg',
        details: { message: 'Incident 42: hold stg' },
        at: minutesAgo(2),
      },
      {
        // git sync read the lock commit: its trailer names who asked.
        id: 3,
        type: 'release-updated',
        repository: 'config',
        ...stg,
        commit: LOCK_COMMIT,
        author: BOT,
        actor: JANE,
        message: 'Lock podinfo-stg in stg',
        at: minutesAgo(2),
      },
      {
        id: 2,
        type: 'promoted',
        repository: 'config',
        ...stg,
        commit: 'c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2',
        author: BOT,
        actor: JANE,
        message: 'Promote stefanprodan/podinfo:dev-2 to stg',
        details: {
          image: 'stefanprodan/podinfo',
          tag: 'dev-2',
          from: { environment: 'dev' },
        },
        at: minutesAgo(3),
      },
      {
        // A commit pushed outside the portal names its git author.
        id: 1,
        type: 'release-updated',
        repository: 'config',
        environment: 'dev',
        namespace: 'dev',
        name: 'podinfo-dev',
        commit: 'a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1',
        author: 'Ana Developer',
        message: 'Bump dev by hand',
        at: minutesAgo(5),
      },
    ];
  });

  it('names the person who promoted and locked, not the bot that committed', async () => {
    await renderCard({ entityPresentationApi: people });
    const stgRow = within(await screen.findByTestId('release-stg'));
    expect(stgRow.getByText(/^commit/)).toHaveTextContent(
      /^commit c3c3c3c3.* by Jane Doe$/,
    );
    fireEvent.click(
      screen.getByRole('button', { name: 'Show history of stg' }),
    );
    const events = (await screen.findAllByTestId('release-event')).map(
      eventText,
    );
    expect(events).toEqual([
      '2 minutes ago: locked against image automation: Incident 42: hold stg at c3c3c3c3, "Lock podinfo-stg in stg" by Jane Doe',
      '2 minutes ago: changed in git at c3c3c3c3, "Lock podinfo-stg in stg" by Jane Doe',
      '3 minutes ago: promoted stefanprodan/podinfo:dev-2 from dev at c2c2c2c2, "Promote stefanprodan/podinfo:dev-2 to stg" by Jane Doe',
    ]);
    expect(events.join()).not.toContain(BOT);
  });

  it('names the git author of a commit made outside the portal', async () => {
    await renderCard({ entityPresentationApi: people });
    const devRow = within(await screen.findByTestId('release-dev'));
    expect(devRow.getByText(/^commit/)).toHaveTextContent(
      /^commit a1a1a1a1.* by Ana Developer$/,
    );
    fireEvent.click(
      screen.getByRole('button', { name: 'Show history of dev' }),
    );
    expect(eventText(await screen.findByTestId('release-event'))).toBe(
      '5 minutes ago: changed in git at a1a1a1a1, "Bump dev by hand" by Ana Developer',
    );
  });

  it('shows who locked a locked release and why, and nothing on an unlocked one', async () => {
    await renderCard({ entityPresentationApi: people });
    const note = within(await screen.findByTestId('release-stg')).getByTestId(
      'lock-note',
    );
    expect(note).toHaveTextContent(
      'Locked against image automation by Jane Doe: Incident 42: hold stg',
    );
    // The ref stays at hand for whoever wants the exact account.
    expect(within(note).getByTitle(JANE)).toHaveTextContent('Jane Doe');
    expect(
      within(screen.getByTestId('release-dev')).queryByTestId('lock-note'),
    ).not.toBeInTheDocument();
  });

  it('shows a lock written outside the portal with its author as written', async () => {
    backend.current.releases = [
      podinfoRelease('stg', 'dev-2', 'glob:stg-*', {
        locked: true,
        lockedBy: 'Ops <ops@example.com>',
      }),
    ];
    await renderCard();
    expect(await screen.findByTestId('lock-note')).toHaveTextContent(
      /^Locked against image automation by Ops <ops@example.com>$/,
    );
  });
});
