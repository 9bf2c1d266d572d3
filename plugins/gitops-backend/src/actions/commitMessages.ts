/**
 * Messages of the commits the release actions make: a subject, an optional
 * body, and a `Requested-by:` trailer naming who asked, so that `git log`
 * tells who did what even though every commit has the repository's author.
 */

// A value that is one line in the message, whatever was sent.
const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

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
    `Requested-by: ${oneLine(options.actor)}`,
  ].join('\n');
}

/** The message's first line, as events show it. */
export const subjectOf = (message: string) => message.split('\n')[0];
