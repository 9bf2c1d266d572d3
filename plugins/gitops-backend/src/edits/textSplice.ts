/** Replacing `[start, end)` of the original text with `text`. */
export type TextSplice = { start: number; end: number; text: string };

/**
 * Applies splices computed against the same original text. They are
 * applied from the end backwards so that each one's offsets still hold.
 * The same splice twice (two images sharing one tag value, both moving to
 * the same tag) applies once; any other overlap is refused, since one of
 * the two writes would be lost.
 */
export function applySplices(
  original: string,
  splices: TextSplice[],
  describeOverlap: (a: TextSplice, b: TextSplice) => Error,
): string {
  const sorted = [...splices].sort(
    (a, b) => b.start - a.start || b.end - a.end,
  );
  let text = original;
  let previous: TextSplice | undefined;
  for (const splice of sorted) {
    if (previous && splice.end > previous.start) {
      const same =
        splice.start === previous.start &&
        splice.end === previous.end &&
        splice.text === previous.text;
      if (same) continue;
      throw describeOverlap(splice, previous);
    }
    text = text.slice(0, splice.start) + splice.text + text.slice(splice.end);
    previous = splice;
  }
  return text;
}
