/**
 * How image automation picks a tag, written so that both the backend (which
 * acts on it) and the frontend (which explains it) read the same thing.
 */

/**
 * The ordering rule of a policy. The first three are Flux v1 filter
 * annotations, the rest Flux v2 `ImagePolicy` kinds.
 *
 * - `glob`: Flux v1 glob; only `*` is a wildcard, and the whole tag must
 *   match. Newest image by creation time wins.
 * - `semver`: Flux v1 semver constraint. Tags are read leniently, as
 *   Masterminds' `NewVersion` does (`v1.2` and `1.2` are 1.2.0); a tag that
 *   is not a version is ignored. Highest version wins.
 * - `regex`: Flux v1 `regex:`/`regexp:`, Go (RE2) syntax, unanchored,
 *   matched in time linear in the tag. Newest image by creation time wins.
 * - `semver-strict`: Flux v2 `semver.range`. Tags must be strict semver,
 *   optionally with a leading `v`. Highest version wins.
 * - `alphabetical`: Flux v2. `asc` (Flux's default) sorts ascending and takes
 *   the last, i.e. the greatest (`RELEASE.2023-01-31` beats
 *   `RELEASE.2023-01-01`); `desc` takes the smallest.
 * - `numerical`: Flux v2. `asc` (Flux's default) takes the highest number,
 *   `desc` the lowest.
 *
 * @public
 */
export type ImagePolicy =
  | { kind: 'glob'; pattern: string }
  | { kind: 'semver'; range: string }
  | { kind: 'regex'; pattern: string }
  | { kind: 'semver-strict'; range: string }
  | { kind: 'alphabetical'; order: 'asc' | 'desc' }
  | { kind: 'numerical'; order: 'asc' | 'desc' };

/**
 * Flux v2 `filterTags`: only tags matching `pattern` (Go regex syntax,
 * unanchored) are candidates, and when `extract` is set (`$ts`, `${1}`) the
 * expansion of it against the match is the value the policy orders, while
 * the original tag is what gets written.
 *
 * @public
 */
export type TagFilter = { pattern: string; extract?: string };

/** @public */
export type PolicyDefinition = { policy: ImagePolicy; filter?: TagFilter };

/** A tag of the image repository; `createdAt` is the image's creation time (ISO 8601), when known. @public */
export type TagCandidate = { tag: string; createdAt?: string };

/** The tag a policy chose, with a sentence saying why, for people to read. @public */
export type TagChoice = { tag: string; createdAt?: string; reason: string };
