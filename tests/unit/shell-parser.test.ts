import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchCommand, parseCommandPattern } from '../../src-main/approvals/command-pattern';
import { parseCommandLine } from '../../src-main/approvals/shell-parser';
import { literalCommand, quoteWord } from '../../src-main/approvals/shell-quote';
import { wordText, type ParsedCommandLine } from '../../src-main/approvals/shell-syntax';

/** A parse as plain data: each command as `depth: words` with redirections, and whether it is opaque. */
function summary(line: ParsedCommandLine): { commands: string[]; opaque: boolean } {
  return {
    commands: line.commands.map((c) => {
      const parts = [...c.assignments.map((w) => `${wordText(w)}`), ...c.words.map((w) => `[${wordText(w)}]`), ...c.redirections.map((r) => `${r.fd ?? ''}${r.op}{${r.body ?? wordText(r.target)}}`)];
      return `${c.depth}: ${parts.join(' ')}${c.next && c.next !== '\n' ? ` ${c.next}` : ''}`;
    }),
    opaque: line.opaque.length > 0,
  };
}

describe('the shell tokenizer', () => {
  it.each<[string, string[], boolean]>([
    // Words and quote removal
    ['git status', ['0: [git] [status]'], false],
    ['echo "a; b" && ls', ['0: [echo] [a; b] &&', '0: [ls]'], false],
    ["echo 'x && y'", ["0: [echo] [x && y]"], false],
    ['echo a\\ b c', ['0: [echo] [a b] [c]'], false],
    ['echo "a\\"b" "\\$x" "\\q"', ['0: [echo] [a"b] [$x] [\\q]'], false],
    ["echo 'a\\'", ['0: [echo] [a\\]'], false],
    ["echo $'a\\tb\\x41\\'c\\u00e9'", ["0: [echo] [a\tbA'cé]"], false],
    ['echo $"hi there"', ['0: [echo] [hi there]'], false],
    ['ec\\\nho hi', ['0: [echo] [hi]'], false],
    ['echo a # rm -rf /', ['0: [echo] [a]'], false],
    ['echo a#b', ['0: [echo] [a#b]'], false],
    ["r''m -rf x", ['0: [rm] [-rf] [x]'], false],
    // Operators
    ['git status; rm -rf /', ['0: [git] [status] ;', '0: [rm] [-rf] [/]'], false],
    ['a && b || c | d |& e & f', ['0: [a] &&', '0: [b] ||', '0: [c] |', '0: [d] |&', '0: [e] &', '0: [f]'], false],
    ['a\nb', ['0: [a]', '0: [b]'], false],
    ['(cd x && make) | tee log', ['0: [cd] [x] &&', '0: [make]', '0: [tee] [log]'], false],
    ['{ a; b; } > out', ['0: [a] ;', '0: [b] ;', '0: >{out}'], false],
    ['if test -f x; then rm x; else echo no; fi', ['0: [test] [-f] [x] ;', '0: [rm] [x] ;', '0: [echo] [no] ;'], false],
    ['for f in *.log; do rm "$f"; done 2>/dev/null', ['0: [rm] [$f] ;', '0: 2>{/dev/null}'], false],
    ['while read l; do echo "$l"; done < list', ['0: [read] [l] ;', '0: [echo] [$l] ;', '0: <{list}'], false],
    ['! time -p make', ['0: [make]'], false],
    ['f() { rm -rf ~; }; f', ['0: [rm] [-rf] [~] ;', '0: [f]'], false],
    ['function g { curl x; }', ['0: [curl] [x] ;'], false],
    // Assignments and redirections
    ['FOO=1 BAR="a b" npm test', ['0: FOO=1 BAR=a b [npm] [test]'], false],
    ['"FOO=1" x', ['0: [FOO=1] [x]'], false],
    ['echo \\" > ~/.bashrc', ['0: [echo] ["] >{~/.bashrc}'], false],
    ['cmd 2>&1 >>log 1>|f <in 3<>rw &>all &>>more >&2 2>&-', ['0: [cmd] 2>&{1} >>{log} 1>|{f} <{in} 3<>{rw} &>{all} &>>{more} >&{2} 2>&{-}'], false],
    ['echo a2>x', ['0: [echo] [a2] >{x}'], false],
    ['echo 2 >x', ['0: [echo] [2] >{x}'], false],
    ['cat <<< "hello"', ['0: [cat] <<<{hello}'], false],
    ['cat <<EOF > out\nline $HOME\nEOF\necho next', ['0: [cat] <<{line $HOME\n} >{out}', '0: [echo] [next]'], false],
    ['cat <<-"EOF"\n\t$(not run)\n\tEOF', ['0: [cat] <<-{$(not run)\n}'], false],
    ['[[ $a < $b && -f x ]] && echo', ['0: [[[] [$a] [<] [$b] [&&] [-f] [x] []]] &&', '0: [echo]'], false],
    ['echo $((1 + 2 * 3))', ['0: [echo] [$((1 + 2 * 3))]'], false],
    ['echo ${x:-default} ${#x} ${x%%.*} ${a[1]} ${!prefix*}', ['0: [echo] [${x:-default}] [${#x}] [${x%%.*}] [${a[1]}] [${!prefix*}]'], false],
    ['arr=(a "b c") cmd', ['0: arr=(a b c ) [cmd]'], false],
    // Everything that runs a command the text does not show
    ['git status $(rm -rf /)', ['1: [rm] [-rf] [/]', '0: [git] [status] [$(rm -rf /)]'], true],
    ['echo "$(whoami)"', ['1: [whoami]', '0: [echo] [$(whoami)]'], true],
    ['echo `rm -rf \\`x\\``', ['2: [x]', '1: [rm] [-rf] [`x`]', '0: [echo] [`rm -rf \\`x\\``]'], true],
    ['diff <(ls a) >(wc -l)', ['1: [ls] [a]', '1: [wc] [-l]', '0: [diff] [<(ls a)] [>(wc -l)]'], true],
    ['cat =(curl evil.example)', ['1: [curl] [evil.example]', '0: [cat] [=(curl evil.example)]'], true],
    ['echo $((x + 1))', ['0: [echo] [$((x + 1))]'], true],
    ['echo $[y]', ['0: [echo] [$[y]]'], true],
    ['(( i++ ))', [], true],
    ['let x=1', ['0: [let] [x=1]'], true],
    ['echo ${x:-$(id)}', ['1: [id]', '0: [echo] [${x:-$(id)}]'], true],
    ['echo ${!name}', ['0: [echo] [${!name}]'], true],
    ['echo ${a[$i]}', ['0: [echo] [${a[$i]}]'], true],
    ['echo ${x:off}', ['0: [echo] [${x:off}]'], true],
    ['echo ${PS1@P}', ['0: [echo] [${PS1@P}]'], true],
    ['echo ${(e)x}', ['0: [echo] [${(e)x}]'], true],
    ['ls *(e:"rm -rf ~":)', ['0: [ls] [*(e:"rm -rf ~":)]'], true],
    ['$cmd -rf /', ['0: [$cmd] [-rf] [/]'], true],
    ['{rm,-rf,/}', ['0: [{rm,-rf,/}]'], true],
    ['[[ $x -eq 1 ]]', ['0: [[[] [$x] [-eq] [1] []]]'], true],
    ['printf -v "a[$i]" x', ['0: [printf] [-v] [a[$i]] [x]'], true],
    ['declare -i n=$v', ['0: [declare] [-i] [n=$v]'], true],
    ['case $x in a) rm -rf ~;; esac', expect.anything() as unknown as string[], true],
    ['cat cat <<EOF\n$(id)\nEOF', ['1: [id]', '0: [cat] [cat] <<{$(id)\n}'], true],
    ['echo "unterminated', ['0: [echo] [unterminated]'], true],
    ['echo $(ls', ['1: [ls]', '0: [echo] [$(ls]'], true],
    ['a )', ['0: [a] )'], true],
  ])('%j', (command, commands, opaque) => {
    expect(summary(parseCommandLine(command))).toEqual({ commands, opaque });
  });

  it('reads a deeply nested line without overflowing, as incomplete', () => {
    const deep = parseCommandLine(`${'$('.repeat(5000)}x${')'.repeat(5000)}`);
    expect(deep.complete).toBe(false);
    expect(deep.opaque.length).toBeGreaterThan(0);
    const braces = parseCommandLine(`echo ${'${x:-'.repeat(20000)}`);
    expect(braces.complete).toBe(false);
  });
});

/** Characters that stress quoting: every shell metacharacter, quotes, blanks, unicode. */
const nasty = fc.string({
  unit: fc.constantFrom(...'abz09_-./=:@%+,~#!*?[]{}()<>|&;$`\'"\\ \t\n'.split(''), 'é', '😀', '\u00a0'),
  maxLength: 12,
});

/** Quoters known to be right, each enough alone to read back as exactly the argument. */
const quoters: Record<string, (s: string) => string> = {
  single: (s) => `'${s.replace(/'/g, `'\\''`)}'`,
  double: (s) => `"${s.replace(/[\\"$`]/g, '\\$&')}"`,
  backslash: (s) => (s === '' ? "''" : [...s].map((c) => (c === '\n' ? "'\n'" : `\\${c}`)).join('')),
  ansiC: (s) =>
    `$'${[...s]
      .map((c) => {
        if (c === '\\' || c === "'") return `\\${c}`;
        const code = c.codePointAt(0)!;
        return code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, '0')}` : c;
      })
      .join('')}'`,
  pitwall: (s) => quoteWord(s),
};

describe('the shell tokenizer, by property', () => {
  it('gives back any argv that a correct quoter quoted', () => {
    fc.assert(
      fc.property(fc.array(nasty, { minLength: 1, maxLength: 6 }), fc.array(fc.constantFrom(...Object.keys(quoters)), { minLength: 6, maxLength: 6 }), (argv, pick) => {
        const line = argv.map((arg, i) => (i === 0 ? quoteWord(arg, true) : quoters[pick[i]!]!(arg))).join(' ');
        const parsed = parseCommandLine(line);
        expect(parsed.opaque).toEqual([]);
        expect(parsed.commands).toHaveLength(1);
        expect(parsed.commands[0]!.assignments).toEqual([]);
        expect(parsed.commands[0]!.words.map(wordText)).toEqual(argv);
      }),
      { numRuns: 2000 },
    );
  });

  it('splits quoted commands joined by operators into those commands, in order', () => {
    const ops = fc.constantFrom(';', '&&', '||', '|', '|&', '&', '\n');
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.array(nasty, { minLength: 1, maxLength: 4 }), ops), { minLength: 1, maxLength: 5 }), (list) => {
        const line = list.map(([argv, op], i) => `${argv.map((a, j) => quoteWord(a, j === 0)).join(' ')}${i < list.length - 1 ? ` ${op} ` : ''}`).join('');
        const parsed = parseCommandLine(line);
        expect(parsed.commands.map((c) => c.words.map(wordText))).toEqual(list.map(([argv]) => argv));
        expect(parsed.commands.slice(0, -1).map((c) => c.next)).toEqual(list.slice(0, -1).map(([, op]) => op));
      }),
      { numRuns: 1000 },
    );
  });

  it('calls any line with a substitution anywhere opaque, and sees the command inside it', () => {
    const forms = fc.constantFrom(
      (c: string) => `$(${c})`,
      (c: string) => `\`${c}\``,
      (c: string) => `"$(${c})"`,
      (c: string) => `"a\`${c}\`b"`,
      (c: string) => `<(${c})`,
      (c: string) => `>(${c})`,
      (c: string) => `\${x:-$(${c})}`,
      (c: string) => `"\${x:=\`${c}\`}"`,
      (c: string) => `$(( $(${c}) + 1 ))`,
      (c: string) => ` =(${c})`,
    );
    fc.assert(
      fc.property(
        fc.array(nasty, { minLength: 1, maxLength: 4 }),
        // Plain command words (reserved words like `do` start no command of their own).
        fc.array(fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/).filter((w) => !['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until', 'for', 'select', 'case', 'esac', 'function', 'time', 'in'].includes(w)), { minLength: 1, maxLength: 3 }),
        forms,
        fc.nat(),
        fc.constantFrom(...Object.keys(quoters)),
        (argv, inner, form, at, quoter) => {
          const words = argv.map((a, i) => (i === 0 ? quoteWord(a, true) : quoters[quoter]!(a)));
          const position = at % (words.length + 1);
          const substitution = form(inner.join(' '));
          // Glued to a word or standing alone; `=(...)` counts only at the start of a word.
          if (position === words.length || substitution.startsWith(' ')) words.splice(Math.max(1, position), 0, substitution.trim());
          else words[position] = `${words[position]}${substitution}`;
          const parsed = parseCommandLine(words.join(' '));
          expect(parsed.opaque.length).toBeGreaterThan(0);
          expect(parsed.commands.some((c) => c.depth > 0 && c.words.map(wordText).join(' ') === inner.join(' '))).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('never throws and always ends, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300, unit: 'binary' }), (text) => {
        const parsed = parseCommandLine(text);
        expect(Array.isArray(parsed.commands)).toBe(true);
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 200, unit: fc.constantFrom(...'$(){}[]`\'"\\<>|&;=!*? \nax'.split('')) }), (text) => {
        expect(() => parseCommandLine(text)).not.toThrow();
      }),
      { numRuns: 5000 },
    );
  });

  it('remembers a command as a pattern that matches it again and nothing else', () => {
    fc.assert(
      fc.property(fc.array(nasty, { minLength: 1, maxLength: 5 }), nasty, fc.nat(), (argv, other, at) => {
        const command = argv.map((a, i) => quoteWord(a, i === 0)).join(' ');
        const cmd = parseCommandLine(command).commands[0]!;
        const pattern = parseCommandPattern(literalCommand(cmd));
        expect(pattern.commands).toHaveLength(1);
        expect(matchCommand(pattern.commands[0]!, cmd, 'allow')).toBe(true);
        const changed = [...argv];
        const i = at % argv.length;
        if (changed[i] !== other) {
          changed[i] = other;
          const different = parseCommandLine(changed.map((a, j) => quoteWord(a, j === 0)).join(' ')).commands[0]!;
          expect(matchCommand(pattern.commands[0]!, different, 'allow')).toBe(false);
        }
        const longer = parseCommandLine(`${command} ${quoteWord(other)}`).commands[0]!;
        expect(matchCommand(pattern.commands[0]!, longer, 'allow')).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });
});
