/** A glob as a RegExp: `*` matches within a path segment, `**` across segments, `?` one character. */
export function pathGlob(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
      if (glob[i + 1] === '/') i++;
    } else if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/**
 * A command pattern as a RegExp: `*` matches any text (a simple command has no separators left
 * in it), anything else literally. `npm test` matches exactly `npm test`; `git status*` matches
 * `git status` and `git status --short`.
 */
export function commandGlob(glob: string): RegExp {
  const re = glob
    .trim()
    .split('*')
    .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+'))
    .join('.*');
  return new RegExp(`^${re}$`);
}
