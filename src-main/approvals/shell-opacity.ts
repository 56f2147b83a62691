import { isStaticWord, wordText, type SimpleCommand, type Word } from './shell-syntax';

/** Builtins that take variable names, where `a[$(cmd)]` as a name runs `cmd` (its subscript is arithmetic). */
const NAME_TAKERS = new Set(['read', 'unset', 'mapfile', 'readarray', 'wait', 'getopts', 'declare', 'typeset', 'local', 'export', 'readonly']);
const DECLARERS = new Set(['declare', 'typeset', 'local', 'export', 'readonly']);
const ARITHMETIC_TESTS = new Set(['-eq', '-ne', '-lt', '-le', '-gt', '-ge']);

/** True when a variable name (as written) is known and has no subscript that could be evaluated. */
function safeName(word: Word, beforeEquals: boolean): boolean {
  const text = wordText(word);
  const name = beforeEquals ? text.split('=')[0]! : text;
  const subscript = /\[([^\]]*)\]/.exec(name);
  if (subscript && !/^\s*(\d+|[@*])\s*$/.test(subscript[1]!)) return false;
  if (beforeEquals) {
    // Only the part before `=` has to be static; the value is data.
    const nameParts = word.parts.map((p) => p.text).join('');
    const cut = nameParts.indexOf('=');
    let seen = 0;
    for (const part of word.parts) {
      if (seen >= cut && cut !== -1) break;
      if (part.kind !== 'lit') return false;
      seen += part.text.length;
    }
    return true;
  }
  return isStaticWord(word);
}

function isInteger(word: Word | undefined): boolean {
  return word !== undefined && isStaticWord(word) && /^[+-]?\d+$/.test(wordText(word));
}

/**
 * Why a simple command runs something its text does not show: a command name that is itself an
 * expansion, a glob or a brace expansion; arithmetic on variables (`let`, `[[ x -eq y ]]`,
 * integer declarations); variable names with evaluated subscripts in builtins that take names.
 */
export function checkCommandOpacity(cmd: SimpleCommand): string[] {
  const reasons: string[] = [];
  for (const assignment of cmd.assignments) {
    if (!safeName(assignment, true)) reasons.push('an assignment to an array element with a computed subscript');
  }
  const first = cmd.words[0];
  if (!first) return reasons;
  if (!isStaticWord(first)) {
    reasons.push('a command name that comes from an expansion, a glob or a brace expansion');
    return reasons;
  }
  const name = wordText(first);
  const args = cmd.words.slice(1);
  if (name === 'let') {
    if (args.some((a) => !isStaticWord(a) || /[^\s0-9+\-*/%()<>=!&|^~?:,]/.test(wordText(a)))) reasons.push('let on variables (their values are evaluated and can run commands)');
  } else if (name === '[[') {
    args.forEach((a, i) => {
      if (isStaticWord(a) && ARITHMETIC_TESTS.has(wordText(a)) && !(isInteger(args[i - 1]) && isInteger(args[i + 1]))) {
        reasons.push('an arithmetic comparison in [[ ]] (its operands are evaluated and can run commands)');
      }
      if (isStaticWord(a) && wordText(a) === '-v' && args[i + 1] && !safeName(args[i + 1]!, false)) reasons.push('a computed variable name');
    });
  } else if (name === 'test' || name === '[') {
    args.forEach((a, i) => {
      if (isStaticWord(a) && wordText(a) === '-v' && args[i + 1] && !safeName(args[i + 1]!, false)) reasons.push('a computed variable name');
    });
  } else if (name === 'printf') {
    const v = args.findIndex((a) => isStaticWord(a) && wordText(a) === '-v');
    if (v !== -1 && args[v + 1] && !safeName(args[v + 1]!, false)) reasons.push('a computed variable name');
  } else if (NAME_TAKERS.has(name)) {
    if (DECLARERS.has(name) && args.some((a) => isStaticWord(a) && /^[-+][A-Za-z]*i/.test(wordText(a)))) {
      reasons.push('an integer declaration (assigned values are evaluated as arithmetic)');
    }
    for (const a of args) {
      const text = wordText(a);
      if (isStaticWord(a) && text.startsWith('-')) continue;
      if (!safeName(a, DECLARERS.has(name) && text.includes('='))) {
        reasons.push('a computed variable name');
        break;
      }
    }
  }
  return reasons;
}

/** Why a `${...}` (its inside given) can run code, if it can. */
export function parameterOpacity(inner: string): string[] {
  if (inner.startsWith('(')) return ['a zsh parameter flag (it can evaluate the value as code)'];
  if (inner.startsWith('!')) {
    return /^![A-Za-z_]\w*(\[[@*]\]|[@*])$/.test(inner) ? [] : ['an indirect expansion ${!…} (the name it reads can run code)'];
  }
  const name = /^#?([A-Za-z_]\w*|\d+|[@*#?$!-])/.exec(inner);
  if (!name) return ['a parameter expansion the parser does not know'];
  let rest = inner.slice(name[0].length);
  const reasons: string[] = [];
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    const subscript = close === -1 ? rest.slice(1) : rest.slice(1, close);
    if (!/^\s*(\d+|[@*])\s*$/.test(subscript)) reasons.push('an array subscript (it is evaluated as arithmetic)');
    rest = close === -1 ? '' : rest.slice(close + 1);
  }
  if (/^@P/.test(rest)) reasons.push('a prompt expansion ${…@P} (it runs command substitutions in the value)');
  if (rest.startsWith(':') && !/^:[-=+?]/.test(rest) && /[A-Za-z_$`]/.test(rest.slice(1))) {
    reasons.push('a substring offset that reads variables (it is evaluated as arithmetic)');
  }
  return reasons;
}
