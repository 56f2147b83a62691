import { parseCommandLine } from './shell-parser';
import { isStaticWord, wordText, type Redirection, type SimpleCommand, type Word, type WordPart } from './shell-syntax';

/**
 * A Bash rule pattern, read with the same parser as the commands it is matched against. Its
 * semantics, word by word:
 *
 * - A pattern is written like a command and matched word by word, never character by character
 *   across words: `git status` matches `git status` and nothing longer.
 * - A `*` at the end of a command (`git status *`, or attached: `git status*`) means "any further
 *   arguments": `git status`, `git status -s`, never `git status-pwn`. When the word it is attached
 *   to ends in `/`, `=`, `.` or another non-word character (`ls src/*`, `--out=*`), the star also
 *   completes that word.
 * - Anywhere else `*` and `?` are globs within one word (`rm *.log`: one word ending in `.log`).
 * - Quoted or backslash-escaped characters are literal (`rm \*.log` is the text `*.log`), and a
 *   literal word matches the same text in the command however it was quoted there.
 * - Expansions in the command (`$x`, `"$x"`) are unknown values: a quoted one can fill a glob
 *   word, an unquoted one (which may split into several words) only the final "any further
 *   arguments" star, or a word written as the same text.
 * - Assignments before the command (`FOO=1 npm test`) must be in the pattern to be allowed.
 * - A redirection that writes a file is allowed only by a pattern with a matching redirection
 *   (`echo * > notes.txt`); reading a file or a here-document is allowed by a pattern ending in
 *   "any further arguments"; descriptor duplication (`2>&1`) and `/dev/null` are always fine.
 * - A pattern of several commands (`curl * | sh`) matches a run of commands joined by the same operators.
 */
export interface CommandPattern {
  commands: PatternCommand[];
}

/** One simple command of a pattern. */
export interface PatternCommand {
  assignments: Word[];
  words: Word[];
  redirections: Redirection[];
  /** Ends in "any further arguments". */
  anyArgs: boolean;
  next: string;
}

/** How a rule uses a pattern: to allow (every detail must be covered) or to deny/ask (any hit counts). */
export type MatchMode = 'allow' | 'block';

const patternCache = new Map<string, CommandPattern>();

/** Parses a rule pattern (cached: rules are few and evaluated on every tool call). */
export function parseCommandPattern(pattern: string): CommandPattern {
  const cached = patternCache.get(pattern);
  if (cached) return cached;
  const parsed = parseCommandLine(pattern.trim());
  const commands = parsed.commands.filter((c) => c.depth === 0).map(toPatternCommand);
  const result = { commands };
  if (patternCache.size > 2000) patternCache.clear();
  patternCache.set(pattern, result);
  return result;
}

function isStar(part: WordPart | undefined): boolean {
  return part?.kind === 'glob' && part.text === '*';
}

function toPatternCommand(cmd: SimpleCommand): PatternCommand {
  const words = [...cmd.words];
  let anyArgs = false;
  const last = words[words.length - 1];
  if (last && isStar(last.parts[last.parts.length - 1])) {
    anyArgs = true;
    const parts = [...last.parts];
    while (isStar(parts[parts.length - 1])) parts.pop();
    const before = parts[parts.length - 1];
    if (parts.length === 0) words.pop();
    else if (before?.kind === 'lit' && /[A-Za-z0-9_-]$/.test(before.text)) words[words.length - 1] = { parts, braces: last.braces };
    // Otherwise (`src/*`, `--out=*`) the word keeps its star and globs within itself.
  }
  return { assignments: cmd.assignments, words, redirections: cmd.redirections, anyArgs, next: cmd.next };
}

// Private-use characters stand for what a command word holds besides literal text.
const C_STAR = '\uE001';
const C_QMARK = '\uE002';
const C_CLASS = '\uE003';
const C_QUOTED_EXP = '\uE004';
const C_SPLIT_EXP = '\uE005';
const C_EXP_END = '\uE006';
const PRIVATE = /[\uE000-\uE0FF]/g;
const STAR_RE = `(?:[^${C_QUOTED_EXP}${C_SPLIT_EXP}${C_EXP_END}]|${C_QUOTED_EXP}[^${C_EXP_END}]*${C_EXP_END})*`;
const QMARK_RE = `[^${C_STAR}${C_QUOTED_EXP}${C_SPLIT_EXP}${C_EXP_END}]`;

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** A command word as a string where globs and expansions are marked, for glob patterns. */
function encode(word: Word): string {
  return word.parts
    .map((p) => {
      const text = p.text.replace(PRIVATE, '\ufffd');
      if (p.kind === 'lit') return text;
      if (p.kind === 'glob') return text === '*' ? C_STAR : text === '?' ? C_QMARK : C_CLASS;
      return `${p.quoted ? C_QUOTED_EXP : C_SPLIT_EXP}${text}${C_EXP_END}`;
    })
    .join('');
}

const regexCache = new WeakMap<Word, RegExp>();

function globRegex(word: Word): RegExp {
  const cached = regexCache.get(word);
  if (cached) return cached;
  const re = word.parts
    .map((p) => {
      const text = p.text.replace(PRIVATE, '\ufffd');
      if (p.kind === 'glob') return text === '*' ? STAR_RE : text === '?' ? QMARK_RE : escapeRegex(text);
      if (p.kind === 'exp') return `[${C_QUOTED_EXP}${C_SPLIT_EXP}]${escapeRegex(text)}${C_EXP_END}`;
      return [...text].map((ch) => (ch === '*' ? `(?:\\*|${C_STAR})` : ch === '?' ? `(?:\\?|${C_QMARK})` : escapeRegex(ch))).join('');
    })
    .join('');
  const compiled = new RegExp(`^${re}$`, 'su');
  regexCache.set(word, compiled);
  return compiled;
}

/** True when a pattern word covers a command word (see {@link CommandPattern}). */
export function matchWord(pattern: Word, word: Word): boolean {
  const globbing = pattern.parts.some((p) => p.kind === 'glob' && (p.text === '*' || p.text === '?'));
  if (!globbing) return wordText(pattern) === wordText(word);
  if (word.braces) return false;
  return globRegex(pattern).test(encode(word));
}

const DEFAULT_FD: Record<string, number | 'all'> = { '<': 0, '<<': 0, '<<-': 0, '<<<': 0, '<>': 0, '<&': 0, '>': 1, '>>': 1, '>|': 1, '>&': 1, '&>': 'all', '&>>': 'all' };

function isDuplication(r: Redirection): boolean {
  return (r.op === '>&' || r.op === '<&') && isStaticWord(r.target) && /^(\d+-?|-)$/.test(wordText(r.target));
}

/** What a redirection does, with its descriptor made explicit. */
function normalize(r: Redirection): { fd: number | 'all'; kind: string; data: string | null } {
  const fd = r.fd ?? DEFAULT_FD[r.op]!;
  if (r.op === '<<' || r.op === '<<-') return { fd, kind: 'data', data: r.body ?? '' };
  if (r.op === '<<<') return { fd, kind: 'data', data: `${wordText(r.target)}\n` };
  if (r.op === '>&' && !isDuplication(r)) return { fd: r.fd ?? 'all', kind: '>', data: null };
  if (r.op === '>|') return { fd, kind: '>', data: null };
  if (r.op === '&>') return { fd, kind: '>', data: null };
  if (r.op === '&>>') return { fd, kind: '>>', data: null };
  return { fd, kind: r.op, data: null };
}

const HARMLESS_TARGETS = new Set(['/dev/null', '/dev/stdout', '/dev/stderr']);

/** Descriptor duplication and /dev/null: no file is read or written. */
export function isHarmlessRedirection(r: Redirection): boolean {
  if (isDuplication(r)) return true;
  if (r.op === '<<' || r.op === '<<-' || r.op === '<<<') return false;
  return isStaticWord(r.target) && HARMLESS_TARGETS.has(wordText(r.target));
}

/**
 * Reading a named file or feeding data: like an argument, covered by "any further arguments".
 * Not a file named by an expansion, nor bash's /dev/tcp and /dev/udp, which open a connection.
 */
export function isInputRedirection(r: Redirection): boolean {
  if (r.op === '<<' || r.op === '<<-' || r.op === '<<<') return true;
  return r.op === '<' && isStaticWord(r.target) && !/^\/dev\/(tcp|udp)\//.test(wordText(r.target));
}

function matchRedirection(pattern: Redirection, actual: Redirection): boolean {
  const p = normalize(pattern);
  const a = normalize(actual);
  if (p.fd !== a.fd || p.kind !== a.kind) return false;
  if (p.kind === 'data') return p.data === a.data;
  return matchWord(pattern.target, actual.target);
}

/** True when a pattern command covers a simple command (allow) or hits it (block). */
export function matchCommand(pattern: PatternCommand, cmd: SimpleCommand, mode: MatchMode): boolean {
  if (pattern.anyArgs ? cmd.words.length < pattern.words.length : cmd.words.length !== pattern.words.length) return false;
  for (let i = 0; i < pattern.words.length; i++) if (!matchWord(pattern.words[i]!, cmd.words[i]!)) return false;
  if (mode === 'allow') {
    if (cmd.assignments.length !== pattern.assignments.length) return false;
    for (let i = 0; i < pattern.assignments.length; i++) if (!matchWord(pattern.assignments[i]!, cmd.assignments[i]!)) return false;
    return cmd.redirections.every(
      (r) => isHarmlessRedirection(r) || (pattern.anyArgs && isInputRedirection(r)) || pattern.redirections.some((p) => matchRedirection(p, r)),
    );
  }
  return (
    pattern.assignments.every((p) => cmd.assignments.some((a) => matchWord(p, a))) && pattern.redirections.every((p) => cmd.redirections.some((r) => matchRedirection(p, r)))
  );
}
