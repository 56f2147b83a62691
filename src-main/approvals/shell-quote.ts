import { wordText, type Redirection, type SimpleCommand, type Word } from './shell-syntax';

/** Characters that never need quoting. */
const SAFE = /^[A-Za-z0-9_\-.,/:@%+=]+$/;
/** Safe characters plus glob characters, which a backslash makes literal. */
const SAFE_WITH_GLOBS = /^[A-Za-z0-9_\-.,/:@%+=*?[\]]+$/;
const RESERVED = new Set(['!', '{', '}', 'time', 'if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until', 'for', 'select', 'case', 'esac', 'function', '[[', ']]', 'in']);

/**
 * `value` as one shell word that reads back as exactly `value`, with no glob, expansion or
 * reserved meaning: plain when it can be, glob characters backslash-escaped (`\*.log`), otherwise
 * single-quoted. `commandPosition` also quotes what would read as an assignment or reserved word there.
 */
export function quoteWord(value: string, commandPosition = false): string {
  const special = commandPosition && (RESERVED.has(value) || /^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=/.test(value));
  if (!special && SAFE.test(value)) return value;
  if (!special && SAFE_WITH_GLOBS.test(value)) return value.replace(/[*?[\]]/g, '\\$&');
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A word's text (globs and expansions as written) as one literal word. */
function literalWord(word: Word, commandPosition = false): string {
  return quoteWord(wordText(word), commandPosition);
}

function literalAssignment(word: Word): string {
  const text = wordText(word);
  const head = /^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=/.exec(text)?.[0] ?? '';
  const name = head.replace(/\[[^\]]*\]/, (s) => s.replace(/[*?[\]]/g, '\\$&'));
  return `${name}${quoteWord(text.slice(head.length))}`;
}

function literalRedirection(r: Redirection): string {
  const fd = r.fd === null ? '' : String(r.fd);
  if (r.op === '<<' || r.op === '<<-') {
    // A here-document's body as a here-string: the same input (a here-string adds the final newline).
    const body = r.body ?? '';
    return `${fd}<<< ${quoteWord(body.endsWith('\n') ? body.slice(0, -1) : body)}`;
  }
  return `${fd}${r.op} ${literalWord(r.target)}`;
}

/**
 * A simple command as a pattern that matches only itself: every word quoted literally (the
 * matcher compares text as written, so `rm -f *.log` becomes `rm -f \*.log`, which matches that
 * command again and never `rm -f ~/.ssh/id_rsa x.log`).
 */
export function literalCommand(cmd: SimpleCommand): string {
  return [...cmd.assignments.map(literalAssignment), ...cmd.words.map((w, i) => literalWord(w, i === 0)), ...cmd.redirections.map(literalRedirection)].join(' ');
}
