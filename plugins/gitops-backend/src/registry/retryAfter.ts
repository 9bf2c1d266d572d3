/**
 * How long a `Retry-After` header (RFC 9110 section 10.2.3: delay seconds or
 * an HTTP date) asks to wait, in ms; undefined when absent or unreadable.
 */
export function parseRetryAfter(
  header: string | null,
  now: number = Date.now(),
): number | undefined {
  const value = header?.trim();
  if (!value) {
    return undefined;
  }
  if (/^\d+$/.test(value)) {
    return Number(value) * 1000;
  }
  // HTTP dates start with the day's name; Date.parse alone would take '-5' as a year.
  const date = /^[A-Za-z]{3}/.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(date)) {
    return undefined;
  }
  return Math.max(0, date - now);
}
