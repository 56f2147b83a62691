/** A request target split and decoded, or why it cannot be. */
export type RequestTarget = { ok: true; path: string; query: string } | { ok: false; reason: string };

/**
 * Parses a request line's target in origin form (`/path?query`) and percent-decodes the path.
 * Total: anything else (`*`, absolute or scheme-relative forms, bad percent-encodings, NUL or
 * other control characters, backslashes) is a reason, never a throw.
 */
export function parseRequestTarget(raw: string | undefined): RequestTarget {
  if (raw === undefined || raw === '' || raw.length > 8192) return { ok: false, reason: 'Bad request target' };
  if (raw[0] !== '/' || raw.startsWith('//')) return { ok: false, reason: 'The request target must be a path' };
  const q = raw.indexOf('?');
  const rawPath = q === -1 ? raw : raw.slice(0, q);
  const query = q === -1 ? '' : raw.slice(q + 1);
  if (rawPath.includes('#')) return { ok: false, reason: 'Bad request target' };
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return { ok: false, reason: 'Bad percent-encoding in the path' };
  }
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f\\]/.test(path)) return { ok: false, reason: 'Bad character in the path' };
  return { ok: true, path, query };
}

/** The media type of a Content-Type header, lower-cased, without parameters; '' when absent. */
export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';', 1)[0]!.trim().toLowerCase();
}
