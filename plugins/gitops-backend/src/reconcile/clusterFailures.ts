import { ClusterRequestError } from '../cluster';
import { AppliedObjectKey } from '../database';

/** An object that could not be applied or pruned, with its file. */
export type ApplyFailure = {
  key: AppliedObjectKey;
  sourcePath: string;
  message: string;
};

/** A cluster that does not answer fails the whole cycle, not one object. */
export function unreachable(error: unknown): boolean {
  return error instanceof ClusterRequestError && !error.answered;
}

/**
 * The field managers a server-side apply conflicted with, from the API
 * server's 409 message (`conflict with "manager" using ...`); none for any
 * other failure.
 */
export function conflictingManagers(error: unknown): string[] {
  if (!(error instanceof ClusterRequestError) || error.status !== 409)
    return [];
  return [...error.message.matchAll(/conflicts? with "([^"]+)"/g)].map(
    match => match[1],
  );
}
