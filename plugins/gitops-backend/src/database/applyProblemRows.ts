import { GitopsProblem } from '@backstage-gitops/plugin-gitops-common';
import { Knex } from 'knex';
import { ApplyProblemRecord } from './ClusterStateStore';
import { queryBatches } from './queryBatches';
import { defined, iso } from './rowMapping';

/** A row of `gitops_apply_problems`. */
type ApplyProblemRow = {
  environment: string;
  recorded_by: string;
  repository_id: string;
  source: string;
  path: string;
  object: string | null;
  message: string;
  commit: string | null;
  created_at: Date | string;
};

/**
 * Replaces the apply and prune problems an environment's apply recorded
 * (some may concern another environment). A problem that stands on (same
 * environment, source, file, object and message) keeps the time it first
 * appeared.
 */
export async function replaceApplyProblems(
  tx: Knex.Transaction,
  environment: string,
  problems: { repositoryId: string; items: ApplyProblemRecord[] },
): Promise<void> {
  const identity = (p: {
    environment?: string;
    source: string;
    path: string;
    object?: string | null;
    message: string;
  }) =>
    JSON.stringify([
      p.environment ?? environment,
      p.source,
      p.path,
      p.object ?? '',
      p.message,
    ]);
  const recorded = tx<ApplyProblemRow>('gitops_apply_problems').where({
    recorded_by: environment,
  });
  const before = new Map(
    (await recorded.clone()).map(row => [identity(row), row.created_at]),
  );
  await recorded.clone().delete();
  const now = new Date();
  const rows: ApplyProblemRow[] = problems.items.map(problem => ({
    environment: problem.environment ?? environment,
    recorded_by: environment,
    repository_id: problems.repositoryId,
    source: problem.source,
    path: problem.path,
    object: problem.object ?? null,
    message: problem.message,
    commit: problem.commit ?? null,
    created_at: before.has(identity(problem))
      ? new Date(before.get(identity(problem))!)
      : now,
  }));
  for (const part of queryBatches(rows)) {
    await tx('gitops_apply_problems').insert(part);
  }
}

/** Apply and prune problems of the environments of these repositories. */
export async function readApplyProblems(
  db: Knex,
  repositoryIds: string[],
): Promise<GitopsProblem[]> {
  if (repositoryIds.length === 0) return [];
  const rows = await db<ApplyProblemRow>('gitops_apply_problems')
    .whereIn('repository_id', repositoryIds)
    .orderBy([{ column: 'environment' }, { column: 'path' }, { column: 'id' }]);
  return rows.map(row =>
    defined({
      repository: row.repository_id,
      environment: row.environment,
      path: row.path,
      message: row.message,
      at: iso(row.created_at)!,
      commit: row.commit ?? undefined,
      source: row.source as 'apply' | 'prune',
      object: row.object ?? undefined,
    }),
  );
}
