import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourceFiles } from '../helpers/source-files';

// The core shares its database with other connections (the transcript scan worker, a second core
// after a restart). A deferred transaction that reads and then writes fails with SQLITE_BUSY or
// SQLITE_BUSY_SNAPSHOT when one of them writes in between, and no busy timeout waits that out (CI
// saw it end a run). Every transaction in the core begins IMMEDIATE: it waits for the write lock,
// then reads.

const ROOT = path.resolve(__dirname, '../..');

/** The `.transaction(...)` calls of a file that neither run `.immediate` nor pass `behavior: 'immediate'`, as `file:line`. */
function deferredTransactions(file: string, code: string): string[] {
  const found: string[] = [];
  for (let at = code.indexOf('.transaction('); at >= 0; at = code.indexOf('.transaction(', at + 1)) {
    let end = at + '.transaction('.length;
    for (let depth = 1; depth > 0 && end < code.length; end++) {
      if (code[end] === '(') depth++;
      else if (code[end] === ')') depth--;
    }
    const call = code.slice(at, end);
    let immediate = call.includes(`behavior: 'immediate'`) || code.slice(end).startsWith('.immediate(');
    // A transaction kept as a function (`this.name = db.transaction(...)`) must be run as `this.name.immediate(...)`, and only so.
    const kept = /this\.(\w+) = [\w.]*$/.exec(code.slice(0, at))?.[1];
    if (kept) immediate = code.includes(`this.${kept}.immediate(`) && !code.includes(`this.${kept}(`);
    if (!immediate) found.push(`${path.relative(ROOT, file)}:${code.slice(0, at).split('\n').length}`);
  }
  return found;
}

describe('write transactions', () => {
  it('begin IMMEDIATE everywhere in the core', () => {
    const files = sourceFiles(path.join(ROOT, 'src-main'));
    const found = files.flatMap((file) => deferredTransactions(file, fs.readFileSync(file, 'utf8')));
    expect(found).toEqual([]);
  });

  it('find a deferred transaction in a sample (the check itself works)', () => {
    const code = [
      'db.transaction((tx) => {',
      '  tx.run();',
      '});',
      'sqlite.transaction(() => x())();',
      'sqlite.transaction(() => y()).immediate();',
      "db.transaction(() => z(), { behavior: 'immediate' });",
      'this.run = sqlite.transaction(() => w());',
      'this.run(1);',
      'this.ok = sqlite.transaction(() => v());',
      'this.ok.immediate(1);',
    ].join('\n');
    expect(deferredTransactions(path.join(ROOT, 'sample.ts'), code)).toEqual(['sample.ts:1', 'sample.ts:4', 'sample.ts:7']);
  });
});
