/**
 * An image's creation time in milliseconds, or undefined when it says
 * nothing about the image's age: missing, unreadable, or at or before the
 * Unix epoch. Reproducible builds (ko, Nix, Bazel) stamp 1970-01-01 and Go
 * reports an unset time as 0001-01-01; ranking those as "old" rather than
 * "unknown" would only pretend to know.
 */
export function creationTime(
  createdAt: string | undefined,
): number | undefined {
  if (!createdAt) return undefined;
  const time = Date.parse(createdAt);
  return Number.isFinite(time) && time > 0 ? time : undefined;
}
