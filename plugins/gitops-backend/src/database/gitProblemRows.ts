import { GitopsProblem } from '@backstage-gitops/plugin-gitops-common';
import { defined, iso } from './rowMapping';
import { storableText } from './storableValues';
import { FileProblem, SourceProblemRecord } from './SyncStateStore';

/** A row of `gitops_errors`: a problem git sync found in a file. */
export type GitProblemRow = {
  id: number;
  repository_id: string;
  environment: string | null;
  path: string;
  line: number | null;
  message: string;
  commit_sha: string | null;
  created_at: Date | string;
  blocking: boolean | number;
};

/**
 * Looks up when a new git problem first stood, from the rows it replaces: a
 * file that stays broken keeps the commit and time it broke at, whatever the
 * message says now; a warning keeps its time while its text stays the same.
 */
function sinceOf(standing: GitProblemRow[]) {
  const earliest = new Map<string, GitProblemRow>();
  for (const row of standing) {
    const keys = [JSON.stringify([row.path, 'message', row.message])];
    if (row.blocking) keys.push(JSON.stringify([row.path, 'blocking']));
    for (const key of keys) {
      const known = earliest.get(key);
      if (!known || new Date(row.created_at) < new Date(known.created_at)) {
        earliest.set(key, row);
      }
    }
  }
  return (path: string, blocking: boolean, message: string) =>
    earliest.get(
      JSON.stringify(
        blocking ? [path, 'blocking'] : [path, 'message', message],
      ),
    );
}

/** The rows of one sync's problems, each keeping when it first stood in `standing`. */
export function gitProblemRows(
  sync: { repositoryId: string; commit: string; syncedAt: Date },
  problems: FileProblem[],
  standing: GitProblemRow[],
): Array<Omit<GitProblemRow, 'id'>> {
  const since = sinceOf(standing);
  return problems.map(problem => {
    const message = storableText(problem.message);
    const first = since(problem.path, Boolean(problem.blocking), message);
    return {
      repository_id: sync.repositoryId,
      environment: problem.environment ?? null,
      path: problem.path,
      line: problem.line ?? null,
      message,
      commit_sha: first?.commit_sha ?? sync.commit,
      created_at: first ? new Date(first.created_at) : sync.syncedAt,
      blocking: Boolean(problem.blocking),
    };
  });
}

export function toGitProblem(row: GitProblemRow): GitopsProblem {
  return defined({
    repository: row.repository_id,
    environment: row.environment ?? undefined,
    path: row.path,
    line: row.line ?? undefined,
    message: row.message,
    at: iso(row.created_at)!,
    commit: row.commit_sha ?? undefined,
    source: 'git' as const,
  });
}

/** The first blocking problem of each file, given rows ordered by repository, path and line. */
export function firstProblemPerFile(
  rows: GitProblemRow[],
): SourceProblemRecord[] {
  const first = new Map<string, GitProblemRow>();
  for (const row of rows) {
    const key = JSON.stringify([row.repository_id, row.path]);
    if (!first.has(key)) first.set(key, row);
  }
  return [...first.values()].map(row =>
    defined({
      repository: row.repository_id,
      path: row.path,
      line: row.line ?? undefined,
      message: row.message,
      commit: row.commit_sha ?? undefined,
      since: iso(row.created_at)!,
    }),
  );
}
