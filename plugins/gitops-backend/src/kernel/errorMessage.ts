import { isError } from '@backstage/errors';

/**
 * What went wrong, in the error's own words, for logs, problems and events.
 * Anything thrown that is not an error is shown as its string form.
 */
export function errorMessage(error: unknown): string {
  return isError(error) ? error.message : String(error);
}
