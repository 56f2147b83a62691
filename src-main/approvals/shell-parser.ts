import { decodeAnsiC } from './shell-ansi-c';
import { checkCommandOpacity, parameterOpacity } from './shell-opacity';
import { wordText, type ParsedCommandLine, type Redirection, type RedirectionOp, type SimpleCommand, type Word, type WordPart } from './shell-syntax';

/**
 * The one shell tokenizer every permission check uses (bash, with zsh's extra substitution forms
 * recognized). It does quote removal as the shell does (backslash outside quotes; inside double
 * quotes only before `$`, `` ` ``, `"`, `\` and newline; single quotes literal; `$'...'` ANSI-C
 * quoting), drops comments and line continuations, splits on every list operator, reads every
 * redirection form with its descriptor, reads here-documents, and parses what runs inside
 * `$(...)`, backticks and process substitutions as nested commands.
 *
 * A line is opaque (see {@link ParsedCommandLine.opaque}) when it runs a command its text does not
 * show: command and process substitution (`$(...)`, backticks, `<(...)`, `>(...)`, zsh `=(...)`),
 * arithmetic that reads variables (bash evaluates a variable's value as an expression, and
 * `a[$(cmd)]` in that value runs `cmd`), parameter expansions that do the same (indirection,
 * array subscripts, substring offsets, `@P`, zsh flags), extended globs and zsh glob qualifiers
 * (`*(e:...:)` runs code), `case` statements, and anything unterminated or unbalanced.
 * The parser never throws: whatever it cannot read makes the line opaque.
 */
export function parseCommandLine(text: string): ParsedCommandLine {
  const shared: Shared = { commands: [], opaque: new Set(), complete: true, open: 0 };
  try {
    new Parser(text, shared, 0, 0).parseList(null);
  } catch {
    // Only a stack overflow can get here; what was read so far stands, and the line is marked.
    shared.complete = false;
    shared.opaque.add('nested too deeply to read');
  }
  return { commands: shared.commands, opaque: [...shared.opaque], complete: shared.complete };
}

interface Shared {
  commands: SimpleCommand[];
  opaque: Set<string>;
  complete: boolean;
  /** Open `$`-expansions right now, to bound recursion through `${${...}}`. */
  open: number;
}

interface PendingHeredoc {
  redirection: Redirection;
  delimiter: string;
  stripTabs: boolean;
  quoted: boolean;
}

/** Nesting beyond this is refused (opaque, incomplete) rather than risking the stack. */
const MAX_NESTING = 64;
const META = new Set([' ', '\t', '\n', '|', '&', ';', '(', ')', '<', '>']);
/** Reserved words that introduce the command after them. */
const INTRODUCERS = new Set(['!', '{', 'time', 'if', 'then', 'else', 'elif', 'do', 'while', 'until']);
/** Reserved words that close a compound command; only redirections may follow. */
const CLOSERS = new Set(['}', 'fi', 'done', 'esac']);
const REDIRECTION_OPS: RedirectionOp[] = ['&>>', '&>', '<<<', '<<-', '<<', '<>', '<&', '<', '>>', '>|', '>&', '>'];
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=/;
const ARRAY_ASSIGNMENT_HEAD = /^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=$/;

function emptyCommand(depth: number): SimpleCommand {
  return { assignments: [], words: [], redirections: [], depth, next: '' };
}

function pushLit(parts: WordPart[], text: string): void {
  const last = parts[parts.length - 1];
  if (last?.kind === 'lit') last.text += text;
  else parts.push({ kind: 'lit', text });
}

class Parser {
  pos = 0;
  private heredocs: PendingHeredoc[] = [];

  constructor(
    private readonly src: string,
    private readonly shared: Shared,
    private readonly depth: number,
    /** Parsers above this one (substitutions, subshells, here-documents), to bound recursion. */
    private readonly level: number,
  ) {}

  /** Reads commands until the end, or until the `)` that closes a substitution or subshell. */
  parseList(closer: ')' | null): void {
    let cmd = emptyCommand(this.depth);
    // header: `for`/`select`/`case` heads, which run nothing; closer: after `}`/`fi`/`done`/`))`.
    let mode: 'normal' | 'header' | 'closer' = 'normal';
    let afterTime = false;
    const flush = (next: string): void => {
      const keep = mode === 'normal' || (mode === 'closer' && cmd.redirections.length > 0);
      if (keep && (cmd.words.length > 0 || cmd.assignments.length > 0 || cmd.redirections.length > 0)) {
        cmd.next = next;
        for (const reason of checkCommandOpacity(cmd)) this.opaque(reason);
        this.shared.commands.push(cmd);
      }
      cmd = emptyCommand(this.depth);
      mode = 'normal';
      afterTime = false;
    };
    const atCommandStart = (): boolean => cmd.words.length === 0 && cmd.assignments.length === 0 && cmd.redirections.length === 0;

    for (;;) {
      this.skipBlanks();
      if (this.pos >= this.src.length) {
        flush('');
        if (closer) this.opaque('an unterminated substitution or subshell');
        return;
      }
      const c = this.src[this.pos]!;
      if (c === '#') {
        while (this.pos < this.src.length && this.src[this.pos] !== '\n') this.pos++;
        continue;
      }
      if (mode !== 'closer' && atCommandStart() && this.src.startsWith('((', this.pos)) {
        this.readArithmeticCommand();
        if (mode === 'normal') mode = 'closer';
        continue;
      }
      const op = this.readOperator();
      if (op !== null) {
        if (op === '\n') this.readHeredocBodies();
        if (op === ')') {
          if (closer === ')') {
            flush('');
            return;
          }
          this.opaque('an unbalanced ")"');
          flush(op);
          continue;
        }
        if (op === '(') {
          if (mode === 'normal' && atCommandStart()) {
            this.nested(false);
            mode = 'closer';
          } else if (mode === 'normal' && cmd.words.length === 1 && cmd.assignments.length === 0 && this.consumeEmptyParens()) {
            // `name ()`: a function definition; its body follows as ordinary commands.
            cmd = emptyCommand(this.depth);
          } else {
            this.opaque('an unexpected "(" (an extended glob, a glob qualifier or a syntax error)');
            this.nested(false);
          }
          continue;
        }
        flush(op);
        continue;
      }
      const redirection = this.tryRedirection(null);
      if (redirection) {
        cmd.redirections.push(redirection);
        continue;
      }
      const start = this.pos;
      const word = this.readWord(false);
      if (!word) {
        // Nothing readable here (cannot happen with the tables above); never loop forever.
        this.opaque('a character the parser could not read');
        this.pos++;
        continue;
      }
      const raw = this.src.slice(start, this.pos);
      const text = wordText(word);
      const plain = raw === text && word.parts.length === 1 && word.parts[0]!.kind === 'lit';
      const nextChar = this.src[this.pos];
      if ((nextChar === '<' || nextChar === '>') && this.src[this.pos + 1] !== '(' && (/^\d+$/.test(raw) || /^\{[A-Za-z_]\w*\}$/.test(raw))) {
        const fdRedirection = this.tryRedirection(/^\d+$/.test(raw) ? Number(raw) : -1);
        if (fdRedirection) {
          cmd.redirections.push(fdRedirection);
          continue;
        }
      }
      if (mode === 'closer') {
        this.opaque('a word after a compound command');
        mode = 'normal';
      }
      if (mode === 'header') {
        if (plain && text === 'do') mode = 'normal';
        continue;
      }
      if (cmd.words.length === 0 && plain) {
        if (afterTime && text === '-p') continue;
        if (INTRODUCERS.has(text)) {
          afterTime = text === 'time';
          continue;
        }
        if (CLOSERS.has(text) && cmd.assignments.length === 0) {
          mode = 'closer';
          continue;
        }
        if ((text === 'for' || text === 'select') && cmd.assignments.length === 0) {
          mode = 'header';
          continue;
        }
        if (text === 'case' && cmd.assignments.length === 0) {
          this.opaque('a case statement (its patterns cannot be checked command by command)');
          mode = 'header';
          continue;
        }
        if (text === 'function' && cmd.assignments.length === 0) {
          this.skipBlanks();
          this.readWord(false);
          this.skipBlanks();
          if (this.src[this.pos] === '(') this.consumeEmptyParens(true);
          continue;
        }
        if (text === '[[') {
          cmd.words.push(word, ...this.readConditional());
          continue;
        }
      }
      if (cmd.words.length === 0 && ASSIGNMENT.test(raw)) cmd.assignments.push(word);
      else cmd.words.push(word);
    }
  }

  /** Parses a list closed by `)` from here: one level deeper for substitutions, at the same level for subshells. */
  private nested(deeper: boolean): void {
    if (this.level + 1 > MAX_NESTING) {
      this.shared.complete = false;
      this.opaque('nested too deeply to read');
      this.pos = this.src.length;
      return;
    }
    const inner = new Parser(this.src, this.shared, deeper ? this.depth + 1 : this.depth, this.level + 1);
    inner.pos = this.pos;
    inner.parseList(')');
    this.pos = inner.pos;
  }

  private opaque(reason: string): void {
    this.shared.opaque.add(reason);
  }

  private skipBlanks(): void {
    while (this.pos < this.src.length) {
      const c = this.src[this.pos];
      if (c === ' ' || c === '\t') this.pos++;
      else if (c === '\\' && this.src[this.pos + 1] === '\n') this.pos += 2;
      else break;
    }
  }

  /** After a name: `()` with optional blanks between; consumes it when present. */
  private consumeEmptyParens(openIncluded = false): boolean {
    let i = this.pos;
    if (openIncluded) {
      if (this.src[i] !== '(') return false;
      i++;
    }
    while (this.src[i] === ' ' || this.src[i] === '\t') i++;
    if (this.src[i] !== ')') return false;
    this.pos = i + 1;
    return true;
  }

  private readOperator(): string | null {
    const s = this.src;
    const i = this.pos;
    const c = s[i];
    let op: string | null = null;
    if (c === '\n') op = '\n';
    else if (c === ';') op = s.startsWith(';;&', i) ? ';;&' : s.startsWith(';;', i) ? ';;' : s.startsWith(';&', i) ? ';&' : ';';
    else if (c === '&') op = s[i + 1] === '&' ? '&&' : s[i + 1] === '>' ? null : '&';
    else if (c === '|') op = s[i + 1] === '|' ? '||' : s[i + 1] === '&' ? '|&' : '|';
    else if (c === '(' || c === ')') op = c;
    if (op !== null) this.pos += op.length;
    return op;
  }

  /** A redirection at the current position (after its descriptor, when `fd` is given). */
  private tryRedirection(fd: number | null): Redirection | null {
    const s = this.src;
    const c = s[this.pos];
    if (c !== '<' && c !== '>' && c !== '&') return null;
    if ((c === '<' || c === '>') && s[this.pos + 1] === '(') return null;
    const op = REDIRECTION_OPS.find((o) => s.startsWith(o, this.pos) && !(o.startsWith('&') && fd !== null));
    if (!op) return null;
    this.pos += op.length;
    this.skipBlanks();
    const start = this.pos;
    const target = this.readWord(false) ?? { parts: [], braces: false };
    if (this.pos === start) this.opaque('a redirection without a target');
    const redirection: Redirection = { fd: fd === -1 ? null : fd, op, target };
    if (op === '<<' || op === '<<-') {
      const raw = s.slice(start, this.pos);
      this.heredocs.push({ redirection, delimiter: wordText(target), stripTabs: op === '<<-', quoted: /['"\\]/.test(raw) });
    }
    return redirection;
  }

  /** Reads the bodies of the here-documents opened on the line just ended. */
  private readHeredocBodies(): void {
    for (const doc of this.heredocs) {
      const lines: string[] = [];
      let closed = false;
      while (this.pos < this.src.length) {
        const end = this.src.indexOf('\n', this.pos);
        let line = this.src.slice(this.pos, end === -1 ? this.src.length : end);
        this.pos = end === -1 ? this.src.length : end + 1;
        if (doc.stripTabs) line = line.replace(/^\t+/, '');
        if (line === doc.delimiter) {
          closed = true;
          break;
        }
        lines.push(line);
      }
      if (!closed) this.opaque('an unterminated here-document');
      const body = lines.length > 0 ? `${lines.join('\n')}\n` : '';
      doc.redirection.body = body;
      if (!doc.quoted) {
        new Parser(body, this.shared, this.depth, this.level + 1).scanExpansionsToEnd();
      }
    }
    this.heredocs = [];
  }

  /** Scans text where only `$`, backticks and backslashes are special (a here-document body). */
  private scanExpansionsToEnd(): void {
    const sink: WordPart[] = [];
    while (this.pos < this.src.length) {
      const c = this.src[this.pos]!;
      if (c === '\\') this.pos += 2;
      else if (c === '$') this.readDollar(sink, true);
      else if (c === '`') this.readBacktick(sink, true);
      else this.pos++;
    }
  }

  /** Words of a `[[ ... ]]` up to and including `]]`; `<`, `>`, `(`, `)`, `&&`, `||` are plain there. */
  private readConditional(): Word[] {
    const words: Word[] = [];
    for (;;) {
      while (this.src[this.pos] === ' ' || this.src[this.pos] === '\t' || this.src[this.pos] === '\n' || (this.src[this.pos] === '\\' && this.src[this.pos + 1] === '\n')) {
        this.pos += this.src[this.pos] === '\\' ? 2 : 1;
      }
      if (this.pos >= this.src.length) {
        this.opaque('an unterminated [[');
        return words;
      }
      const start = this.pos;
      const word = this.readWord(true);
      if (!word) {
        this.pos++;
        continue;
      }
      words.push(word);
      if (this.src.slice(start, this.pos) === ']]') return words;
    }
  }

  /** One word, or null when the position holds an operator or a blank. */
  private readWord(conditional: boolean): Word | null {
    const start = this.pos;
    const parts: WordPart[] = [];
    let braces = false;
    const s = this.src;
    while (this.pos < s.length) {
      const c = s[this.pos]!;
      const next = s[this.pos + 1];
      if (c === '\\' && next === '\n') {
        this.pos += 2;
        continue;
      }
      const ends = conditional ? c === ' ' || c === '\t' || c === '\n' : META.has(c);
      if (ends) {
        if (conditional) break;
        if ((c === '<' || c === '>') && next === '(') {
          this.readProcessSubstitution(parts, 2);
          continue;
        }
        if (c === '(' && this.pos > start) {
          const head = s.slice(start, this.pos);
          if (ARRAY_ASSIGNMENT_HEAD.test(head)) {
            this.readArrayValue(parts);
            continue;
          }
          if (/^[A-Za-z_][\w.:-]*$/.test(head) && /^\(\s*\)/.test(s.slice(this.pos))) break;
          this.opaque('an extended glob or zsh glob qualifier, which can run code');
          this.readBalancedInto(parts);
          continue;
        }
        break;
      }
      switch (c) {
        case '\\':
          if (next === undefined) {
            pushLit(parts, '\\');
            this.pos++;
          } else {
            pushLit(parts, next);
            this.pos += 2;
          }
          break;
        case "'": {
          const end = s.indexOf("'", this.pos + 1);
          if (end === -1) {
            this.opaque('an unterminated quote');
            pushLit(parts, s.slice(this.pos + 1));
            this.pos = s.length;
          } else {
            pushLit(parts, s.slice(this.pos + 1, end));
            this.pos = end + 1;
          }
          break;
        }
        case '"':
          this.pos++;
          this.readDoubleQuoted(parts);
          break;
        case '$':
          this.readDollar(parts, false);
          break;
        case '`':
          this.readBacktick(parts, false);
          break;
        case '*':
        case '?':
          parts.push({ kind: 'glob', text: c });
          this.pos++;
          break;
        case '[': {
          const close = this.findClassEnd(this.pos);
          if (close === -1) {
            pushLit(parts, '[');
            this.pos++;
          } else {
            parts.push({ kind: 'glob', text: s.slice(this.pos, close + 1) });
            this.pos = close + 1;
          }
          break;
        }
        case '{':
          if (this.isBraceExpansion(this.pos)) braces = true;
          pushLit(parts, '{');
          this.pos++;
          break;
        case '=':
          if (this.pos === start && next === '(') this.readProcessSubstitution(parts, 2);
          else {
            pushLit(parts, '=');
            this.pos++;
          }
          break;
        default:
          pushLit(parts, c);
          this.pos++;
      }
    }
    if (this.pos === start) return null;
    return { parts, braces };
  }

  /** The `]` closing a glob bracket expression opened at `open`, within the same unquoted run; -1 if none. */
  private findClassEnd(open: number): number {
    let i = open + 1;
    if (this.src[i] === '!' || this.src[i] === '^') i++;
    if (this.src[i] === ']') i++;
    for (; i < this.src.length; i++) {
      const c = this.src[i]!;
      if (c === ']') return i;
      if (META.has(c) || c === '"' || c === "'" || c === '\\' || c === '$' || c === '`') return -1;
    }
    return -1;
  }

  /** True when `{` at `open` starts a brace expansion (`{a,b}`, `{1..3}`) in this word. */
  private isBraceExpansion(open: number): boolean {
    let depth = 0;
    let list = false;
    for (let i = open; i < this.src.length; i++) {
      const c = this.src[i]!;
      if (META.has(c)) return false;
      if (c === '\\') i++;
      else if (c === '{') depth++;
      else if (c === '}') {
        depth--;
        if (depth === 0) return list;
      } else if (depth === 1 && (c === ',' || (c === '.' && this.src[i + 1] === '.'))) list = true;
    }
    return false;
  }

  /** The inside of `"..."` (the opening quote already read). */
  private readDoubleQuoted(parts: WordPart[]): void {
    const s = this.src;
    while (this.pos < s.length) {
      const c = s[this.pos]!;
      const next = s[this.pos + 1];
      if (c === '"') {
        this.pos++;
        if (parts.length === 0 || parts[parts.length - 1]!.kind !== 'lit') pushLit(parts, '');
        return;
      }
      if (c === '\\') {
        if (next === '\n') this.pos += 2;
        else if (next === '$' || next === '`' || next === '"' || next === '\\') {
          pushLit(parts, next);
          this.pos += 2;
        } else {
          pushLit(parts, '\\');
          this.pos++;
        }
      } else if (c === '$') this.readDollar(parts, true);
      else if (c === '`') this.readBacktick(parts, true);
      else {
        pushLit(parts, c);
        this.pos++;
      }
    }
    this.opaque('an unterminated quote');
  }

  /** Whatever starts with `$` at the current position. */
  private readDollar(parts: WordPart[], quoted: boolean): void {
    if (this.shared.open >= MAX_NESTING) {
      this.shared.complete = false;
      this.opaque('nested too deeply to read');
      this.pos = this.src.length;
      return;
    }
    this.shared.open++;
    try {
      this.readDollarInner(parts, quoted);
    } finally {
      this.shared.open--;
    }
  }

  private readDollarInner(parts: WordPart[], quoted: boolean): void {
    const s = this.src;
    const begin = this.pos;
    const next = s[this.pos + 1];
    const exp = (): void => {
      parts.push({ kind: 'exp', text: s.slice(begin, this.pos), quoted });
    };
    if (!quoted && next === "'") {
      const decoded = decodeAnsiC(s, this.pos + 2);
      if (!decoded.closed) this.opaque('an unterminated quote');
      this.pos = decoded.end;
      pushLit(parts, decoded.text);
      return;
    }
    if (!quoted && next === '"') {
      this.pos += 2;
      this.readDoubleQuoted(parts);
      return;
    }
    if (next === '(' && s[this.pos + 2] === '(') {
      if (this.readArithmetic(3, '))')) return exp();
      this.pos = begin;
    }
    if (next === '(') {
      this.pos += 2;
      this.opaque('a command substitution $(…)');
      this.nested(true);
      return exp();
    }
    if (next === '[') {
      this.readArithmetic(2, ']');
      return exp();
    }
    if (next === '{') {
      this.readParameter(quoted);
      return exp();
    }
    if (next !== undefined && /[A-Za-z_]/.test(next)) {
      this.pos++;
      while (this.pos < s.length && /\w/.test(s[this.pos]!)) this.pos++;
      return exp();
    }
    if (next !== undefined && /[0-9@*#?$!-]/.test(next)) {
      this.pos += 2;
      return exp();
    }
    pushLit(parts, '$');
    this.pos++;
  }

  /**
   * `$((...))`, `$[...]` or `((...))` from the current position. Variables in arithmetic are
   * evaluated as expressions (a value `a[$(cmd)]` runs `cmd`), so only number-and-operator
   * arithmetic is transparent. False when `$((` turns out to be `$( (...) ...)`.
   */
  private readArithmetic(openLength: number, close: '))' | ']'): boolean {
    const s = this.src;
    const begin = this.pos;
    this.pos += openLength;
    let depth = 0;
    let literal = true;
    const sink: WordPart[] = [];
    while (this.pos < s.length) {
      const c = s[this.pos]!;
      if (close === '))' && c === ')' && depth === 0) {
        if (s[this.pos + 1] !== ')') {
          this.pos = begin;
          return false;
        }
        this.pos += 2;
        if (!literal) this.opaque('arithmetic on variables (their values are evaluated and can run commands)');
        return true;
      }
      if (close === ']' && c === ']' && depth === 0) {
        this.pos++;
        if (!literal) this.opaque('arithmetic on variables (their values are evaluated and can run commands)');
        return true;
      }
      if (c === '(') depth++;
      else if (c === ')') depth--;
      if (c === '$') {
        literal = false;
        this.readDollar(sink, true);
        continue;
      }
      if (c === '`') {
        literal = false;
        this.readBacktick(sink, true);
        continue;
      }
      if (!/[\s0-9+\-*/%()<>=!&|^~?:,]/.test(c)) literal = false;
      this.pos += c === '\\' ? 2 : 1;
    }
    this.opaque('an unterminated arithmetic expansion');
    return true;
  }

  /** `(( ... ))` as a command. */
  private readArithmeticCommand(): void {
    if (!this.readArithmetic(2, '))')) {
      // `( (` after all: a subshell in a subshell.
      this.pos++;
      this.nested(false);
    }
  }

  /** `${...}` from the current position; marks what can run code. */
  private readParameter(quoted: boolean): void {
    const s = this.src;
    const begin = this.pos;
    this.pos += 2;
    const sink: WordPart[] = [];
    while (this.pos < s.length) {
      const c = s[this.pos]!;
      if (c === '}') {
        this.pos++;
        for (const reason of parameterOpacity(s.slice(begin + 2, this.pos - 1))) this.opaque(reason);
        return;
      }
      if (c === '\\') this.pos += 2;
      else if (c === "'" && !quoted) {
        const end = s.indexOf("'", this.pos + 1);
        this.pos = end === -1 ? s.length : end + 1;
      } else if (c === '"') {
        this.pos++;
        this.readDoubleQuoted(sink);
      } else if (c === '$') this.readDollar(sink, true);
      else if (c === '`') this.readBacktick(sink, true);
      else this.pos++;
    }
    this.opaque('an unterminated ${…}');
  }

  /** A backtick substitution: its inside, unescaped, is parsed as commands one level deeper. */
  private readBacktick(parts: WordPart[], quoted: boolean): void {
    const s = this.src;
    const begin = this.pos;
    let i = this.pos + 1;
    while (i < s.length && s[i] !== '`') i += s[i] === '\\' ? 2 : 1;
    const closed = i < s.length;
    const inner = s.slice(begin + 1, Math.min(i, s.length)).replace(quoted ? /\\([\\`$"])/g : /\\([\\`$])/g, '$1');
    this.pos = closed ? i + 1 : s.length;
    this.opaque('a command substitution `…`');
    if (!closed) this.opaque('an unterminated backtick');
    if (this.level + 1 > MAX_NESTING) {
      this.shared.complete = false;
      this.opaque('nested too deeply to read');
    } else new Parser(inner, this.shared, this.depth + 1, this.level + 1).parseList(null);
    parts.push({ kind: 'exp', text: s.slice(begin, this.pos), quoted });
  }

  /** `<(...)`, `>(...)` or zsh's `=(...)`: a command whose output or input is a file. */
  private readProcessSubstitution(parts: WordPart[], openLength: number): void {
    const begin = this.pos;
    this.pos += openLength;
    this.opaque('a process substitution (<(…), >(…) or =(…))');
    this.nested(true);
    parts.push({ kind: 'exp', text: this.src.slice(begin, this.pos), quoted: false });
  }

  /** `name=( ... )`: the words of an array assignment, kept in the assignment's text. */
  private readArrayValue(parts: WordPart[]): void {
    this.pos++;
    pushLit(parts, '(');
    for (;;) {
      while (this.pos < this.src.length && /[ \t\n]/.test(this.src[this.pos]!)) this.pos++;
      if (this.pos >= this.src.length) {
        this.opaque('an unterminated array assignment');
        return;
      }
      if (this.src[this.pos] === ')') {
        this.pos++;
        pushLit(parts, ')');
        return;
      }
      const word = this.readWord(false);
      if (!word) {
        this.opaque('an unexpected operator in an array assignment');
        this.pos++;
        continue;
      }
      for (const p of word.parts) {
        if (p.kind === 'lit') pushLit(parts, p.text);
        else parts.push({ ...p });
      }
      pushLit(parts, ' ');
    }
  }

  /** Balanced `(...)` inside a word (extended glob, zsh qualifier), kept in the word's text. */
  private readBalancedInto(parts: WordPart[]): void {
    const begin = this.pos;
    let depth = 0;
    const sink: WordPart[] = [];
    while (this.pos < this.src.length) {
      const c = this.src[this.pos]!;
      if (c === '(') depth++;
      else if (c === ')') {
        depth--;
        if (depth === 0) {
          this.pos++;
          break;
        }
      } else if (c === '$') {
        this.readDollar(sink, true);
        continue;
      } else if (c === '`') {
        this.readBacktick(sink, true);
        continue;
      } else if (c === '\\') this.pos++;
      this.pos++;
    }
    parts.push({ kind: 'glob', text: this.src.slice(begin, this.pos) });
  }
}
