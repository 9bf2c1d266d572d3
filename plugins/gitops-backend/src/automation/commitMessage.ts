/**
 * Flux v1's wording, so existing tooling that reads the history keeps
 * working: `Auto-release <image:tag>` for one image, and for several a
 * summary line, a blank line and one sorted ` - <image:tag>` line each.
 */
export function autoReleaseMessage(images: string[]): string {
  const unique = [...new Set(images)].sort();
  if (unique.length === 1) {
    return `Auto-release ${unique[0]}`;
  }
  return [
    `Auto-release multiple (${unique.length}) images`,
    '',
    ...unique.map(image => ` - ${image}`),
  ].join('\n');
}
