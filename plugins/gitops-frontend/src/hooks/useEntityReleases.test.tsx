import { useState } from 'react';
import { fireEvent, screen, within } from '@testing-library/react';
import { EnvironmentsCard } from '../components/EnvironmentsCard';
import { ReleasesCard } from '../components/ReleasesCard';
import { podinfoPipeline, podinfoRelease } from '../components/testEntities';
import {
  enabledButton,
  renderWithBackend,
  setupFakeBackend,
} from '../components/testUtils';

const backend = setupFakeBackend();
const reads = (path: string) => backend.current.count('GET', path);

/** The releases card, and the environments card once asked for, as a lazily loaded page would mount them. */
const Page = () => {
  const [both, setBoth] = useState(false);
  return (
    <>
      <ReleasesCard />
      {both ? (
        <EnvironmentsCard />
      ) : (
        <button onClick={() => setBoth(true)}>Show environments</button>
      )}
    </>
  );
};

/** The environments card on a page one can leave and come back to. */
const Reopenable = () => {
  const [open, setOpen] = useState(true);
  return (
    <>
      <button onClick={() => setOpen(!open)}>
        {open ? 'Leave' : 'Come back'}
      </button>
      {open && <EnvironmentsCard />}
    </>
  );
};

async function bothCardsShown() {
  await screen.findByTestId('release-prod');
  await screen.findByTestId('stage-prod');
}

async function renderBothCards() {
  await renderWithBackend(
    <>
      <ReleasesCard />
      <EnvironmentsCard />
    </>,
  );
  await bothCardsShown();
}

describe('useEntityReleases', () => {
  it('reads the releases of an entity once for both cards of its page', async () => {
    backend.current.releases = podinfoPipeline();
    await renderBothCards();
    expect(reads('/releases')).toBe(1);
    expect(reads('/environments')).toBe(1);
    expect(reads('/repositories')).toBe(1);
    // Only the releases card shows events.
    expect(reads('/events')).toBe(1);
  });

  it('gives a card mounted later the answer the first one is showing', async () => {
    backend.current.releases = podinfoPipeline();
    await renderWithBackend(<Page />);
    await screen.findByTestId('release-prod');
    expect(reads('/releases')).toBe(1);

    fireEvent.click(screen.getByRole('button', { name: 'Show environments' }));
    await bothCardsShown();
    expect(reads('/releases')).toBe(1);
  });

  it('reads once more for both cards after an action, and both show the new answer', async () => {
    backend.current.releases = podinfoPipeline();
    await renderBothCards();
    const [dev, , prod] = podinfoPipeline();
    backend.current.releases = [
      dev,
      podinfoRelease('stg', 'stg-new', 'glob:stg-*'),
      prod,
    ];
    fireEvent.click(await enabledButton('Sync now'));

    expect(
      await within(screen.getByTestId('stage-stg')).findByText('stg-new'),
    ).toBeInTheDocument();
    expect(
      await within(screen.getByTestId('release-stg')).findByText(
        'stefanprodan/podinfo:stg-new',
      ),
    ).toBeInTheDocument();
    expect(reads('/releases')).toBe(2);
  });

  it('reads afresh when the page is opened again', async () => {
    backend.current.releases = podinfoPipeline();
    await renderWithBackend(<Reopenable />);
    await screen.findByTestId('stage-prod');
    fireEvent.click(screen.getByRole('button', { name: 'Leave' }));
    expect(screen.queryByTestId('stage-prod')).not.toBeInTheDocument();

    backend.current.releases = [podinfoRelease('dev', 'dev-new', 'glob:dev-*')];
    fireEvent.click(screen.getByRole('button', { name: 'Come back' }));
    expect(
      await within(await screen.findByTestId('stage-dev')).findByText(
        'dev-new',
      ),
    ).toBeInTheDocument();
    expect(reads('/releases')).toBe(2);
    // Mounted alone, the environments card reads no events.
    expect(reads('/events')).toBe(0);
  });

  it('keeps no failed read: a card mounted after a failure tries again', async () => {
    backend.current.releases = podinfoPipeline();
    backend.current.fail('/releases', 503, 'gitops backend unavailable');
    await renderWithBackend(<Page />);
    expect(
      await screen.findByText(
        'Error: The gitops backend could not be read: gitops backend unavailable',
      ),
    ).toBeInTheDocument();

    delete backend.current.failures['/releases'];
    fireEvent.click(screen.getByRole('button', { name: 'Show environments' }));
    await screen.findByTestId('stage-prod');
    expect(reads('/releases')).toBe(2);
  });
});
