import { parseCommandLine } from './shell-parser';
import { isStaticWord, wordText, type ParsedCommandLine, type SimpleCommand, type Word } from './shell-syntax';

/** Commands that run the command given in their arguments (with options of their own before it). */
const WRAPPERS = new Set([
  'sudo', 'doas', 'env', 'command', 'builtin', 'exec', 'nohup', 'time', 'nice', 'ionice', 'timeout', 'stdbuf', 'setsid', 'xargs', 'watch',
  'strace', 'ltrace', 'chronic', 'unbuffer', 'flock', 'chrt', 'taskset', 'caffeinate', 'torsocks', 'proxychains', 'proxychains4', 'runuser', 'chroot',
]);
/** Shells whose `-c` argument is a command line. */
const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'mksh', 'ash', 'fish', 'su']);
const MAX_LEVEL = 4;

function literal(text: string): Word {
  return { parts: [{ kind: 'lit', text }], braces: false };
}

function basename(text: string): string {
  return text.slice(text.lastIndexOf('/') + 1);
}

/**
 * Every command a deny or ask rule has to see in a line: each simple command (those inside
 * substitutions included), a command named by its path also by its name (`/bin/rm` is `rm`), the
 * command a wrapper runs (`sudo rm`, `xargs rm`, `timeout 5 rm`: every later argument is tried
 * as the start of a command), and command lines given as text (`bash -c '...'`, `eval`, `trap`,
 * `alias x='...'`, `find -exec ... ;`).
 */
export function commandsToCheck(line: ParsedCommandLine): SimpleCommand[] {
  const out: SimpleCommand[] = [];
  const budget = { left: 2000 };
  for (const cmd of line.commands) visit(cmd, 0, out, budget);
  return out;
}

function visit(cmd: SimpleCommand, level: number, out: SimpleCommand[], budget: { left: number }): void {
  if (budget.left-- <= 0) return;
  out.push(cmd);
  if (level >= MAX_LEVEL) return;
  const first = cmd.words[0];
  if (!first || !isStaticWord(first)) return;
  const text = wordText(first);
  const name = basename(text);
  const derive = (words: Word[]): void => visit({ ...cmd, assignments: [], words }, level + 1, out, budget);
  const script = (source: string): void => {
    for (const inner of parseCommandLine(source).commands) visit(inner, level + 1, out, budget);
  };
  if (name !== text) derive([literal(name), ...cmd.words.slice(1)]);
  const args = cmd.words.slice(1);
  if (WRAPPERS.has(name)) {
    for (let i = 0; i < args.length; i++) derive(args.slice(i));
    if (name === 'env') {
      const split = args.findIndex((a) => /^(-S|--split-string)$/.test(wordText(a)));
      if (split !== -1 && args[split + 1]) script(wordText(args[split + 1]!));
    }
  }
  if (SHELLS.has(name)) {
    const c = args.findIndex((a) => /^-[A-Za-z]*c[A-Za-z]*$/.test(wordText(a)));
    if (c !== -1 && args[c + 1]) script(wordText(args[c + 1]!));
  }
  if (name === 'eval') script(args.map(wordText).join(' '));
  if (name === 'trap' && args[0]) script(wordText(args[0]));
  if (name === 'alias') for (const a of args) if (wordText(a).includes('=')) script(wordText(a).slice(wordText(a).indexOf('=') + 1));
  if (name === 'find') {
    args.forEach((a, i) => {
      if (!/^-(exec|execdir|ok|okdir)$/.test(wordText(a))) return;
      const rest = args.slice(i + 1);
      const end = rest.findIndex((w) => wordText(w) === ';' || wordText(w) === '+');
      derive(end === -1 ? rest : rest.slice(0, end));
    });
  }
}
