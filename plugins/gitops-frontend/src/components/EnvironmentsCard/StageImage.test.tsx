import { render, screen } from '@testing-library/react';
import { GitopsReleaseImage } from '@backstage-gitops/plugin-gitops-common';
import { podinfoRelease } from '../testEntities';
import { StageImage } from './StageImage';

const v2 = (status: GitopsReleaseImage['status']) => {
  const release = podinfoRelease(
    'staging',
    '6.5.0-rc.1',
    'semver:>=6.0.0-0 <7.0.0',
    {
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      automated: false,
    },
  );
  const image = { ...release.images[0], status };
  return { release: { ...release, images: [image] }, image };
};

describe('StageImage', () => {
  it('names the image with its registry host, so GHCR and Docker Hub images are told apart', () => {
    const { release, image } = v2(undefined);
    const ghcr = { ...image, registry: 'ghcr.io' };
    render(
      <StageImage release={{ ...release, images: [ghcr] }} image={ghcr} />,
    );
    expect(screen.getByText(`ghcr.io/${image.repository}`)).toBeInTheDocument();
  });

  it('shows a marked image as its ImagePolicy decides it and who commits, not as manual', () => {
    const { release, image } = v2({
      latestTag: '6.5.1-rc.1',
      checkedAt: '2026-11-30T00:00:00Z',
      imagePolicy: 'flux-system/podinfo-staging',
      policy: 'semver:>=6.0.0-0 <7.0.0',
      automation: 'backstage',
      reason: 'highest version in range',
    });
    render(<StageImage release={release} image={image} />);
    expect(
      screen.getByText('semver:>=6.0.0-0 <7.0.0 (Backstage commits)'),
    ).toBeInTheDocument();
    expect(screen.getByText('newest allowed: 6.5.1-rc.1')).toHaveAttribute(
      'title',
      'ImagePolicy flux-system/podinfo-staging: highest version in range',
    );
  });

  it("says Flux commits and what Flux's ImagePolicy chose", () => {
    const { release, image } = v2({
      latestTag: '6.5.2-rc.1',
      checkedAt: '2026-11-30T00:00:00Z',
      imagePolicy: 'flux-system/podinfo-staging',
      policy: 'semver:>=6.0.0-0 <7.0.0',
      automation: 'flux',
    });
    render(<StageImage release={release} image={image} />);
    expect(
      screen.getByText('semver:>=6.0.0-0 <7.0.0 (Flux commits)'),
    ).toBeInTheDocument();
    expect(
      screen.getByText("Flux's ImagePolicy chose: 6.5.2-rc.1"),
    ).toBeInTheDocument();
  });

  it('shows why a marker is not automated, and automation off', () => {
    const problem = v2({
      checkedAt: '2026-11-30T00:00:00Z',
      imagePolicy: 'flux-system/gone',
      problem: 'no ImagePolicy flux-system/gone in the repository',
    });
    const { unmount } = render(
      <StageImage release={problem.release} image={problem.image} />,
    );
    expect(
      screen.getByText(
        'not automated: no ImagePolicy flux-system/gone in the repository',
      ),
    ).toBeInTheDocument();
    unmount();
    const off = v2({ checkedAt: '2026-11-30T00:00:00Z', automation: 'off' });
    render(<StageImage release={off.release} image={off.image} />);
    expect(screen.getByText('automation off')).toBeInTheDocument();
    expect(screen.getByText('no registry is scanned')).toBeInTheDocument();
  });
});
