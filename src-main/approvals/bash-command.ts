/**
 * Splits a shell command into its simple commands, so a rule for `git status*` can never let
 * `git status; rm -rf /` through. Separators (`;`, `&&`, `||`, `|`, `&`, newlines) outside quotes
 * split; command substitution (`$(…)`, backticks) and process substitution mark the command as
 * opaque, since what runs cannot be known from the text.
 */
export function splitCommand(command: string): { parts: string[]; opaque: boolean } {
  const parts: string[] = [];
  let current = '';
  let quote: '"' | "'" | null = null;
  let opaque = false;
  for (let i = 0; i < command.length; i++) {
    const ch = command[i]!;
    const next = command[i + 1];
    if (quote) {
      if (ch === '\\' && quote === '"' && next !== undefined) {
        current += ch + next;
        i++;
        continue;
      }
      if (quote === '"' && (ch === '`' || (ch === '$' && next === '('))) opaque = true;
      if (ch === quote) quote = null;
      current += ch;
      continue;
    }
    if (ch === '\\' && next !== undefined) {
      current += ch + next;
      i++;
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      current += ch;
      continue;
    }
    if (ch === '`' || (ch === '$' && next === '(') || ((ch === '<' || ch === '>') && next === '(')) opaque = true;
    if (ch === ';' || ch === '\n' || ch === '|' || ch === '&') {
      if (current.trim()) parts.push(current.trim());
      current = '';
      if ((ch === '|' || ch === '&') && next === ch) i++;
      continue;
    }
    current += ch;
  }
  if (quote) opaque = true;
  if (current.trim()) parts.push(current.trim());
  return { parts, opaque };
}

/** True when a simple command writes through a redirection (`>`, `>>`), which a read-only rule must not cover. */
export function hasRedirection(part: string): boolean {
  let quote: string | null = null;
  for (let i = 0; i < part.length; i++) {
    const ch = part[i]!;
    if (quote) {
      if (ch === quote) quote = null;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '>') return true;
  }
  return false;
}
