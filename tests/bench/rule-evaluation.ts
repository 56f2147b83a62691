import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PermissionRule } from '../../src-common/domain/approval';
import { evaluate, type ToolCallContext } from '../../src-main/approvals/rule-evaluator';
import { median, row } from './bench-utils';

// What deciding one tool call by the rules costs now that every Bash line is parsed and every
// path resolved on disk. Baseline in the same run: the same number of plain RegExp tests per
// call (what matching the raw text against character globs cost before).

const ROUNDS = Number(process.env.BENCH_RUNS ?? 30);
const CALLS_PER_ROUND = 200;

let n = 0;
function rule(effect: PermissionRule['effect'], toolName: string, pattern: string | null): PermissionRule {
  return { id: `r${++n}`, effect, toolName, pattern, scope: 'global', projectId: null, sessionId: null, createdAt: 0, updatedAt: 0 };
}

/** Runs the rule evaluation benchmark. */
export async function benchRuleEvaluation(): Promise<void> {
  const wt = fs.mkdtempSync(path.join(os.tmpdir(), 'pitwall-bench-rules-'));
  fs.mkdirSync(path.join(wt, 'src', 'deep', 'er'), { recursive: true });
  try {
    const rules = [
      ...['git status*', 'git diff *', 'git log *', 'npm test*', 'npm run *', 'ls *', 'cat *', 'rg *', 'echo *', 'cd *', 'pnpm -r build', 'make *', 'node --version', 'tsc -b'].map((p) => rule('allow', 'Bash', p)),
      ...['rm -rf *', 'curl * | sh', 'git push *', 'sudo *'].map((p) => rule('deny', 'Bash', p)),
      rule('ask', 'Bash', 'npm publish*'),
      ...['src/**', 'tests/**', '*.md'].map((p) => rule('allow', 'Write', p)),
      ...['.env*', '/etc/**', '~/.ssh/**'].map((p) => rule('deny', 'Read', p)),
      rule('allow', 'Read', null),
    ];
    const bash = (command: string): ToolCallContext => ({ toolName: 'Bash', input: { command }, cwd: wt, projectId: null, sessionId: null });
    const file = (toolName: string, filePath: string): ToolCallContext => ({ toolName, input: { file_path: filePath }, cwd: wt, projectId: null, sessionId: null });
    const calls: [string, ToolCallContext][] = [
      ['Bash: simple', bash('git status --short')],
      ['Bash: compound with pipes', bash('cd packages/web && npm test -- --run 2>&1 | tail -20')],
      ['Bash: substitution (opaque)', bash('echo "$(git rev-parse HEAD)" > out.txt')],
      ['Bash: here-document', bash(`cat > notes.md <<'EOF'\n${'line of text\n'.repeat(50)}EOF`)],
      ['Bash: 10 KB line', bash(`echo ${'"word with spaces" '.repeat(500)}`)],
      ['Write: nested path', file('Write', path.join(wt, 'src', 'deep', 'er', 'file.ts'))],
      ['Read: with .. and ./', file('Read', './src/../src/deep/./er/x.ts')],
    ];
    const regexes = rules.map((r) => new RegExp(`^${(r.pattern ?? '.*').replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`));

    console.log(`\nrule evaluation, ${rules.length} rules (${ROUNDS} rounds of ${CALLS_PER_ROUND} calls, median per call)`);
    for (const [label, call] of calls) {
      const subject = typeof call.input.command === 'string' ? call.input.command : String(call.input.file_path);
      const ours: number[] = [];
      const base: number[] = [];
      let sink = 0;
      for (let round = 0; round < ROUNDS; round++) {
        let started = performance.now();
        for (let i = 0; i < CALLS_PER_ROUND; i++) sink += evaluate(rules, call, 'supervised').effect.length;
        ours.push(((performance.now() - started) * 1000) / CALLS_PER_ROUND);
        started = performance.now();
        for (let i = 0; i < CALLS_PER_ROUND; i++) for (const re of regexes) sink += re.test(subject) ? 1 : 0;
        base.push(((performance.now() - started) * 1000) / CALLS_PER_ROUND);
      }
      if (sink < 0) console.log(sink);
      const o = median(ours);
      const b = median(base);
      row(label, `${o.toFixed(1)} µs`, `regex ${b.toFixed(1)} µs`, `${(o / b).toFixed(1)}x`);
    }
  } finally {
    fs.rmSync(wt, { recursive: true, force: true });
  }
}
