import gitopsFrontendPlugin from './alpha';
import {
  EntityGitopsActivityContent,
  EntityGitopsEnvironmentsCard,
  EntityGitopsReleasesCard,
  gitopsPlugin,
  isGitopsAvailable,
} from './index';
import { podinfoEntity } from './components/testEntities';

describe('exports', () => {
  it('keeps the legacy plugin, its two cards, the activity content and the availability check', () => {
    expect(gitopsPlugin.getId()).toBe('gitops');
    expect(typeof EntityGitopsReleasesCard).toBe('function');
    expect(typeof EntityGitopsEnvironmentsCard).toBe('function');
    expect(typeof EntityGitopsActivityContent).toBe('function');
    expect(isGitopsAvailable(podinfoEntity)).toBe(true);
    expect(
      isGitopsAvailable({
        ...podinfoEntity,
        metadata: { name: 'x', annotations: { a: 'b' } },
      }),
    ).toBe(false);
  });

  it('gives the new frontend system its API, both entity cards and the activity tab', () => {
    expect(gitopsFrontendPlugin.pluginId).toBe('gitops');
    for (const id of [
      'api:gitops',
      'entity-card:gitops/releases',
      'entity-card:gitops/environments',
      'entity-content:gitops/activity',
    ] as const) {
      expect(gitopsFrontendPlugin.getExtension(id)).toBeDefined();
    }
  });
});
