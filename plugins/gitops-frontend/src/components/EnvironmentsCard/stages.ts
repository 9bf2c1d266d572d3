import {
  GitopsEnvironment,
  GitopsProblem,
  GitopsRelease,
} from '@backstage-gitops/plugin-gitops-common';
import { GitopsData } from '../../hooks';
import { ActionRunner } from '../shared/actions';
import { RepositoryLinks } from '../shared/links';

/** One environment of the pipeline, with what the entity runs there. */
export type Stage = {
  name: string;
  environment?: GitopsEnvironment;
  releases: GitopsRelease[];
  problems: GitopsProblem[];
};

/** What every stage of the pipeline needs to show links and start actions. */
export type PipelineContext = {
  entityRef: string;
  links: RepositoryLinks;
  runner: ActionRunner;
  /** Opens the promotion dialog of a release. */
  onPromote: (release: GitopsRelease) => void;
};

/**
 * The stages of the pipelines this entity is deployed through: every
 * environment of the config repositories its releases live in, in order.
 */
export function stagesOf(data: GitopsData): Stage[] {
  const repositories = new Set(data.releases.map(r => r.repository));
  const names = data.environments
    .filter(e => repositories.has(e.repository))
    .map(e => e.name);
  for (const release of data.releases) {
    if (!names.includes(release.environment)) names.push(release.environment);
  }
  return names.map(name => ({
    name,
    environment: data.environments.find(e => e.name === name),
    releases: data.releases.filter(r => r.environment === name),
    problems: data.problems.filter(p => p.environment === name),
  }));
}

/** "git sync could not read a file of stg; 2 objects could not be applied". */
export function stageProblemsText(stage: Stage): string {
  const count = (source: 'git' | 'apply' | 'prune') =>
    stage.problems.filter(p => (p.source ?? 'git') === source).length;
  const plural = (n: number, one: string, many: string) =>
    n === 1 ? one : `${n} ${many}`;
  const parts: string[] = [];
  const git = count('git');
  if (git)
    parts.push(
      `git sync could not read ${plural(git, 'a file', 'files')} of ${
        stage.name
      }`,
    );
  const apply = count('apply');
  if (apply)
    parts.push(`${plural(apply, 'an object', 'objects')} could not be applied`);
  const prune = count('prune');
  if (prune) parts.push(`${plural(prune, 'a prune', 'prunes')} held back`);
  return parts.join('; ');
}
