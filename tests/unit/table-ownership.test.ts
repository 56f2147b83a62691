import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { sourceFiles } from '../helpers/source-files';

// Each service owns its tables; others ask it. A table of db/schema is imported only by the file
// that owns it: anything else reading or writing those rows goes through the owner's methods.
const ROOT = path.resolve(__dirname, '../..');

/** Which file owns each table (the one place that imports it from db/schema). */
const OWNERS: Record<string, string> = {
  projects: 'src-main/projects/project-service.ts',
  worktrees: 'src-main/worktrees/worktree-service.ts',
  agentProfiles: 'src-main/agents/profile-service.ts',
  sessions: 'src-main/agents/session-records.ts',
  tasks: 'src-main/tasks/task-board.ts',
  verificationRuns: 'src-main/tasks/task-verification.ts',
  approvals: 'src-main/approvals/approval-queue.ts',
  permissionRules: 'src-main/approvals/permission-rules.ts',
  toolCalls: 'src-main/approvals/tool-call-audit.ts',
  settings: 'src-main/settings/settings-service.ts',
  agentRuns: 'src-main/runs/run-ledger.ts',
  events: 'src-main/runs/run-ledger.ts',
};

/** Crossings known and not yet undone, each `file: table`. */
const KNOWN_CROSSINGS = new Set<string>();

/** The tables a source file imports from db/schema; a namespace import counts as every table (`*`). */
function schemaImports(file: string, code: string): string[] {
  const source = ts.createSourceFile(file, code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const names: string[] = [];
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) && !ts.isExportDeclaration(statement)) continue;
    const from = statement.moduleSpecifier;
    if (!from || !ts.isStringLiteral(from)) continue;
    const target = path.resolve(path.dirname(file), from.text);
    if (target !== path.join(ROOT, 'db/schema') && target !== path.join(ROOT, 'db/schema.ts')) continue;
    const bindings = ts.isImportDeclaration(statement) ? statement.importClause?.namedBindings : statement.exportClause;
    if (!bindings || ts.isNamespaceImport(bindings) || ts.isNamespaceExport(bindings)) names.push('*');
    else for (const element of bindings.elements) names.push((element.propertyName ?? element.name).text);
  }
  return names;
}

/** Every `file: table` where a file imports a table it does not own. */
function crossings(files: { file: string; code: string }[]): string[] {
  const found: string[] = [];
  for (const { file, code } of files) {
    const relative = path.relative(ROOT, file).split(path.sep).join('/');
    for (const table of schemaImports(file, code)) if (OWNERS[table] !== relative) found.push(`${relative}: ${table}`);
  }
  return found;
}

describe('table ownership', () => {
  it('lets no core file import a table another service owns', () => {
    const files = sourceFiles(path.join(ROOT, 'src-main')).map((file) => ({ file, code: fs.readFileSync(file, 'utf8') }));
    expect(crossings(files).filter((c) => !KNOWN_CROSSINGS.has(c))).toEqual([]);
  });

  it('names a real owner file for every table it maps', () => {
    for (const owner of Object.values(OWNERS)) expect(fs.existsSync(path.join(ROOT, owner)), owner).toBe(true);
  });

  it('catches a service reading another service\'s table, renamed or through a namespace', () => {
    const file = path.join(ROOT, 'src-main/tasks/task-board.ts');
    expect(crossings([{ file, code: `import { tasks, sessions } from '../../db/schema';\n` }])).toEqual(['src-main/tasks/task-board.ts: sessions']);
    expect(crossings([{ file, code: `import { projects as p } from '../../db/schema.ts';\n` }])).toEqual(['src-main/tasks/task-board.ts: projects']);
    expect(crossings([{ file, code: `import * as schema from '../../db/schema';\n` }])).toEqual(['src-main/tasks/task-board.ts: *']);
    expect(crossings([{ file, code: `export { approvals } from '../../db/schema';\n` }])).toEqual(['src-main/tasks/task-board.ts: approvals']);
    expect(crossings([{ file, code: `import { tasks } from '../../db/schema';\nimport { sessions } from './schema';\n` }])).toEqual([]);
  });
});
