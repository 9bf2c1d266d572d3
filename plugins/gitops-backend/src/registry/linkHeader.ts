const LINK = /<([^>]*)>((?:\s*;\s*[^;,]+)*)/g;

/**
 * The `rel="next"` target of a `Link` header (RFC 8288), as written: it may
 * be relative, and the caller decides whether to trust where it points.
 */
export function nextLink(header: string | null): string | undefined {
  if (!header) {
    return undefined;
  }
  for (const [, target, params] of header.matchAll(LINK)) {
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;]+))/i.exec(params);
    const relations = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/);
    if (relations.includes('next')) {
      return target.trim();
    }
  }
  return undefined;
}
