import gitopsFrontendPlugin from './alpha';
import {
  EntityGitopsEnvironmentsCard,
  EntityGitopsReleasesCard,
  gitopsPlugin,
  isGitopsAvailable,
} from './index';
import { podinfoEntity } from './components/testEntities';

describe('exports', () => {
  it('keeps the legacy plugin, its two cards and the availability check', () => {
    expect(gitopsPlugin.getId()).toBe('gitops');
    expect(typeof EntityGitopsReleasesCard).toBe('function');
    expect(typeof EntityGitopsEnvironmentsCard).toBe('function');
    expect(isGitopsAvailable(podinfoEntity)).toBe(true);
    expect(
      isGitopsAvailable({
        ...podinfoEntity,
        metadata: { name: 'x', annotations: { a: 'b' } },
      }),
    ).toBe(false);
  });

  it('gives the new frontend system its API and both entity cards', () => {
    expect(gitopsFrontendPlugin.pluginId).toBe('gitops');
    for (const id of [
      'api:gitops',
      'entity-card:gitops/releases',
      'entity-card:gitops/environments',
    ] as const) {
      expect(gitopsFrontendPlugin.getExtension(id)).toBeDefined();
    }
  });
});
