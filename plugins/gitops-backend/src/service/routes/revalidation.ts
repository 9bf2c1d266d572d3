import { Request, Response } from 'express';

/**
 * Sets the answer's ETag and asks browsers to revalidate every time
 * (`private, no-cache`: a page always shows the current state, and a shared
 * cache keeps nothing of one caller's view); answers 304 and true when the
 * request's If-None-Match already names that tag.
 */
export function revalidated(
  req: Request<any, any, any, any>,
  res: Response,
  tag: string | undefined,
): boolean {
  if (!tag) return false;
  res.set('ETag', tag);
  res.set('Cache-Control', 'private, no-cache');
  // Express compares If-None-Match with the ETag just set.
  if (!req.fresh) return false;
  res.status(304).end();
  return true;
}

/** Sends serialized JSON as `res.json` would send the value it was made from. */
export function sendJsonText(res: Response, body: Buffer) {
  res.type('application/json').send(body);
}
