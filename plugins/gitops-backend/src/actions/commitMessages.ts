/**
 * Messages of the commits the release actions make: a subject, an optional
 * body, and a `Requested-by:` trailer naming who asked, so that `git log`
 * tells who did what even though every commit has the repository's author.
 */

// A value that is one line in the message, whatever was sent.
const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

// The trailer naming who asked for a commit.
const REQUESTED_BY = 'Requested-by:';

export function actionMessage(options: {
  subject: string;
  body?: string[];
  actor: string;
}): string {
  const body = (options.body ?? []).map(oneLine).filter(Boolean);
  return [
    oneLine(options.subject),
    '',
    ...(body.length > 0 ? [...body, ''] : []),
    `${REQUESTED_BY} ${oneLine(options.actor)}`,
  ].join('\n');
}

/**
 * Who asked for a commit, from the `Requested-by:` trailer
 * {@link actionMessage} writes: git sync reads it back, so the person stays
 * on the page after a restart and is in `git log` too. Only the message's
 * last paragraph is read, where git keeps trailers.
 */
export function requesterOf(message: string): string | undefined {
  const paragraphs = message.trim().split(/\n\s*\n/);
  const trailers = paragraphs[paragraphs.length - 1].split('\n');
  const line = trailers.find(l => l.startsWith(REQUESTED_BY));
  const requester = line?.slice(REQUESTED_BY.length).trim();
  return requester || undefined;
}

/** The message's first line, as events show it. */
export const subjectOf = (message: string) => message.split('\n')[0];
