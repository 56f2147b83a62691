/**
 * What the shell parser makes of a command line: simple commands made of words, with their
 * assignments and redirections, and the reasons (if any) the line runs something its text does
 * not show. Every permission check on a Bash command reads this, never the raw text.
 */

/**
 * One piece of a word after quote removal.
 * - `lit`: plain characters (quoted or not); inert.
 * - `glob`: an unquoted `*`, `?` or `[...]` class, which the shell expands to file names.
 * - `exp`: an expansion whose value is unknown from the text (`$x`, `${x}`, `$(...)`, a backtick
 *   substitution, `<(...)`); `text` is the source as written. `quoted`: inside double quotes, so it
 *   stays one word; unquoted expansions may split into several words.
 */
export type WordPart = { kind: 'lit'; text: string } | { kind: 'glob'; text: string } | { kind: 'exp'; text: string; quoted: boolean };

/** One word of a command. */
export interface Word {
  parts: WordPart[];
  /** An unquoted brace expansion (`{a,b}`, `{1..3}`): the word may become several words. */
  braces: boolean;
}

/** Redirection operators, with `<<-` and the default descriptors kept as written. */
export type RedirectionOp = '<' | '>' | '>>' | '>|' | '<>' | '<<' | '<<-' | '<<<' | '&>' | '&>>' | '>&' | '<&';

/** One redirection. */
export interface Redirection {
  /** The descriptor written before the operator (`2>`), null for the default. */
  fd: number | null;
  op: RedirectionOp;
  /** The file, descriptor or here-string; for a here-document its delimiter. */
  target: Word;
  /** A here-document's body (tabs stripped for `<<-`), as written. */
  body?: string;
}

/** A simple command: assignments, words and redirections, and the operator after it. */
export interface SimpleCommand {
  assignments: Word[];
  words: Word[];
  redirections: Redirection[];
  /** 0 at the top of the line; 1 and more inside command or process substitutions. */
  depth: number;
  /** The list operator that follows (`;`, `&&`, `||`, `|`, `|&`, `&`, `\n`), '' at the end of a list. */
  next: string;
}

/** A parsed command line. */
export interface ParsedCommandLine {
  /** Every simple command, those inside substitutions included (depth > 0), in the order they close. */
  commands: SimpleCommand[];
  /** Why the line runs something the text does not show, or cannot be checked part by part; empty when it can. */
  opaque: string[];
  /** False when the parser gave up (nesting too deep): commands may be missing from `commands`. */
  complete: boolean;
}

/** A word's text: literal characters as their value, globs and expansions as written. */
export function wordText(word: Word): string {
  return word.parts.map((p) => p.text).join('');
}

/** True when the word's value is known from the text alone (no expansion, glob or brace expansion). */
export function isStaticWord(word: Word): boolean {
  return !word.braces && word.parts.every((p) => p.kind === 'lit');
}
