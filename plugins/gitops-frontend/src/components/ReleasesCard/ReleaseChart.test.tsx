import { render, screen } from '@testing-library/react';
import { GitopsChartStatus } from '@backstage-gitops/plugin-gitops-common';
import { podinfoRelease } from '../testEntities';
import { ReleaseChart } from './ReleaseChart';

const v2Release = (chartStatus?: GitopsChartStatus) =>
  podinfoRelease('production', '6.5.0', 'semver:~6.5.0', {
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    chart: {
      type: 'source',
      chart: 'podinfo',
      version: '6.x',
      sourceRef: {
        kind: 'HelmRepository',
        name: 'podinfo',
        namespace: 'flux-system',
      },
    },
    chartVersion: '6.x',
    ...(chartStatus ? { chartStatus } : {}),
  });

const status: GitopsChartStatus = {
  source: 'https://stefanprodan.github.io/podinfo',
  chart: 'podinfo',
  range: '6.x',
  latestVersion: '6.6.0',
  checkedAt: '2026-12-01T10:00:00.000Z',
};

describe('ReleaseChart', () => {
  it('says "chart update available" with the newer version, and where it was found', () => {
    render(
      <ReleaseChart
        release={v2Release({ ...status, updateAvailable: true })}
      />,
    );
    expect(screen.getByText('chart podinfo 6.x')).toBeInTheDocument();
    expect(screen.getByText('chart update available: 6.6.0')).toHaveAttribute(
      'title',
      'newest podinfo in https://stefanprodan.github.io/podinfo allowed by 6.x',
    );
  });

  it('says nothing of the newest version when the release already runs it', () => {
    render(<ReleaseChart release={v2Release(status)} />);
    expect(screen.getByText('chart podinfo 6.x')).toBeInTheDocument();
    expect(
      screen.queryByText(/chart update available/),
    ).not.toBeInTheDocument();
  });

  it('shows why the chart repository could not be read', () => {
    render(
      <ReleaseChart
        release={v2Release({
          ...status,
          latestVersion: undefined,
          error: 'not allowed',
        })}
      />,
    );
    expect(
      screen.getByText('chart repository: not allowed'),
    ).toBeInTheDocument();
    expect(
      screen.queryByText(/chart update available/),
    ).not.toBeInTheDocument();
  });
});
