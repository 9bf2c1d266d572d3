const HEX = '0123456789abcdef';

function isCommitSha(text: string): boolean {
  if (text.length < 7 || text.length > 64) return false;
  for (const char of text.toLowerCase()) if (!HEX.includes(char)) return false;
  return true;
}

/**
 * The commit in a revision as Flux writes it: `main@sha1:<sha>` (Flux 2.0
 * on), the older `main/<sha>`, or a bare `sha1:<sha>` / `<sha>`; undefined
 * when it names none (an OCI artifact's digest, say). Lower case.
 */
export function commitOfFluxRevision(
  revision: string | undefined,
): string | undefined {
  if (!revision) return undefined;
  let rest = revision.slice(revision.lastIndexOf('@') + 1);
  if (rest.startsWith('sha1:')) rest = rest.slice('sha1:'.length);
  else if (rest.includes('/')) rest = rest.slice(rest.lastIndexOf('/') + 1);
  return isCommitSha(rest) ? rest.toLowerCase() : undefined;
}
