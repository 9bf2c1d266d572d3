import { render, screen } from '@testing-library/react';
import { GitopsReleaseImage } from '@backstage-gitops/plugin-gitops-common';
import { ReleaseImage } from './ReleaseImage';

const marked = (status: GitopsReleaseImage['status']): GitopsReleaseImage => ({
  container: 'chart-image',
  registry: 'ghcr.io',
  repository: 'stefanprodan/podinfo',
  tag: '6.5.0-rc.1',
  policy: 'semver:>=6.0.0-0 <7.0.0',
  status,
});

describe('ReleaseImage', () => {
  it('names the ImagePolicy, what it says and the newer tag it allows', () => {
    render(
      <ReleaseImage
        image={marked({
          latestTag: '6.5.1-rc.1',
          checkedAt: '2026-11-30T00:00:00Z',
          imagePolicy: 'flux-system/podinfo-staging',
          policy: 'semver:>=6.0.0-0 <7.0.0',
          automation: 'backstage',
        })}
      />,
    );
    expect(
      screen.getByText(
        'ImagePolicy flux-system/podinfo-staging: semver:>=6.0.0-0 <7.0.0',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('update available: 6.5.1-rc.1'),
    ).toBeInTheDocument();
  });

  it('says when Flux commits, and shows what its ImagePolicy chose as an update', () => {
    render(
      <ReleaseImage
        image={marked({
          latestTag: '6.5.2-rc.1',
          checkedAt: '2026-11-30T00:00:00Z',
          imagePolicy: 'flux-system/podinfo-staging',
          automation: 'flux',
        })}
      />,
    );
    expect(
      screen.getByText('ImagePolicy flux-system/podinfo-staging, Flux commits'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('update available: 6.5.2-rc.1'),
    ).toBeInTheDocument();
  });

  it('says why a marker is not automated instead of an update', () => {
    render(
      <ReleaseImage
        image={marked({
          latestTag: '6.5.1-rc.1',
          checkedAt: '2026-11-30T00:00:00Z',
          imagePolicy: 'flux-system/gone',
          problem: 'no ImagePolicy flux-system/gone in the repository',
        })}
      />,
    );
    expect(
      screen.getByText(
        'not automated: no ImagePolicy flux-system/gone in the repository',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText(/update available/)).not.toBeInTheDocument();
  });

  it('says when automation is off', () => {
    render(
      <ReleaseImage
        image={marked({ checkedAt: '2026-11-30T00:00:00Z', automation: 'off' })}
      />,
    );
    expect(screen.getByText('image automation off')).toBeInTheDocument();
  });
});
