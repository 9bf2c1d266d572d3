import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { GitopsApi, gitopsApiRef } from '../../api';
import { EnvironmentsCard } from './EnvironmentsCard';

function renderCard(api: Partial<GitopsApi>) {
  return renderInTestApp(
    <TestApiProvider apis={[[gitopsApiRef, api]]}>
      <EnvironmentsCard />
    </TestApiProvider>,
  );
}

describe('EnvironmentsCard', () => {
  it('says that nothing was synced when the store has no environments', async () => {
    await renderCard({ listEnvironments: async () => ({ items: [] }) });
    expect(
      await screen.findByText('No environments synced yet'),
    ).toBeInTheDocument();
  });

  it('lists the stored environments in pipeline order', async () => {
    await renderCard({
      listEnvironments: async () => ({
        items: [
          { name: 'dev', repository: 'config', path: 'releases/dev', order: 1 },
          { name: 'prod', repository: 'config', path: 'releases/prod', cluster: 'demo', order: 2 },
        ],
      }),
    });
    const dev = await screen.findByText('releases/dev');
    const prod = screen.getByText('releases/prod');
    expect(dev.compareDocumentPosition(prod)).toBe(
      Node.DOCUMENT_POSITION_FOLLOWING,
    );
    expect(screen.getByText('demo')).toBeInTheDocument();
  });

  it('shows what went wrong when the backend fails', async () => {
    await renderCard({
      listEnvironments: async () => {
        throw new Error('backend unreachable');
      },
    });
    expect(
      await screen.findByText('Error: backend unreachable'),
    ).toBeInTheDocument();
  });
});
