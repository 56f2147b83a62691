import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PermissionRule } from '../../src-common/domain/approval';
import { compilePathPattern, literalPathPattern } from '../../src-main/approvals/path-pattern';
import { isInside, realPath, resolveToolPath } from '../../src-main/approvals/path-resolution';
import { evaluate } from '../../src-main/approvals/rule-evaluator';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';

// A real folder tree with the links an agent could plant in its worktree:
//   root/wt/src/a.ts, root/wt/.env, root/wt/sub/, root/outside/secret
//   root/wt/link-etc -> /etc              root/wt/src/up -> ..  (so src/up/.. is root, not src)
//   root/wt/dangling -> root/outside/new   root/wt/loop1 <-> root/wt/loop2
//   root/wt-link -> root/wt                root/wt/rel-out -> ../outside
let root: string;
let wt: string;
let outside: string;

beforeAll(() => {
  root = tempDir('pitwall-paths-');
  wt = path.join(root, 'wt');
  outside = path.join(root, 'outside');
  fs.mkdirSync(path.join(wt, 'src'), { recursive: true });
  fs.mkdirSync(path.join(wt, 'sub'));
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(wt, 'src', 'a.ts'), '');
  fs.writeFileSync(path.join(wt, '.env'), 'SECRET=1');
  fs.writeFileSync(path.join(outside, 'secret'), 'x');
  fs.symlinkSync('/etc', path.join(wt, 'link-etc'));
  fs.symlinkSync('..', path.join(wt, 'src', 'up'));
  fs.symlinkSync(path.join(outside, 'new'), path.join(wt, 'dangling'));
  fs.symlinkSync('loop2', path.join(wt, 'loop1'));
  fs.symlinkSync('loop1', path.join(wt, 'loop2'));
  fs.symlinkSync(wt, path.join(root, 'wt-link'));
  fs.symlinkSync('../outside', path.join(wt, 'rel-out'));
});
afterAll(removeTempDirs);

let n = 0;
function rule(effect: PermissionRule['effect'], toolName: string, pattern: string | null = null): PermissionRule {
  return { id: `r${++n}`, effect, toolName, pattern, scope: 'global', projectId: null, sessionId: null, createdAt: 0, updatedAt: 0 };
}

function decide(rules: PermissionRule[], toolName: string, filePath: string, cwd = wt): string {
  return evaluate(rules, { toolName, input: { file_path: filePath, content: 'x' }, cwd, projectId: null, sessionId: null }, 'supervised').effect;
}

describe('resolving the path a tool would touch', () => {
  it.each<[string, string, string | null]>([
    ['a relative path', 'src/a.ts', 'wt/src/a.ts'],
    ['. and .. inside', './sub/../src/./a.ts', 'wt/src/a.ts'],
    ['a link to /etc is /etc', 'link-etc/passwd', '/etc/passwd'],
    ['.. after a link applies to where the link points', 'src/up/../outside/secret', 'outside/secret'],
    ['a dangling link is where a write would land', 'dangling', 'outside/new'],
    ['a relative link', 'rel-out/secret', 'outside/secret'],
    ['a file not yet there keeps its name', 'src/new/deep/file.ts', 'wt/src/new/deep/file.ts'],
    ['a loop cannot be resolved', 'loop1/x', null],
  ])('%s: %s', (_name, raw, expected) => {
    const want = expected === null ? null : expected.startsWith('/') ? expected : path.join(root, expected);
    expect(resolveToolPath(raw, wt)).toBe(want);
  });

  it('resolves absolute paths, ~, and a worktree reached through a link', () => {
    expect(resolveToolPath('/tmp/../etc/passwd', null)).toBe('/etc/passwd');
    expect(resolveToolPath('~/.ssh/id_rsa', null, '/home/someone')).toBe('/home/someone/.ssh/id_rsa');
    expect(resolveToolPath(path.join(root, 'wt-link', 'src', 'a.ts'), null)).toBe(path.join(wt, 'src', 'a.ts'));
    expect(resolveToolPath('src/a.ts', path.join(root, 'wt-link'))).toBe(path.join(wt, 'src', 'a.ts'));
    expect(resolveToolPath('relative', null)).toBeNull();
    expect(resolveToolPath('a\0b', wt)).toBeNull();
  });
});

describe('path rules see the resolved path', () => {
  // Paths and patterns are functions: the tree's location is known only once it is made.
  it.each<[string, () => PermissionRule[], string, () => string, string]>([
    ['src/** does not allow climbing out with ..', () => [rule('allow', 'Write', 'src/**')], 'Write', () => 'src/../../etc/passwd', 'ask'],
    ['nor through a link to the parent', () => [rule('allow', 'Write', 'src/**')], 'Write', () => 'src/up/../outside/secret', 'ask'],
    ['a link inside the worktree to /etc is /etc', () => [rule('allow', 'Write', '**')], 'Write', () => 'link-etc/passwd', 'ask'],
    ['and deny /etc/** catches it', () => [rule('allow', 'Write'), rule('deny', 'Write', '/etc/**')], 'Write', () => 'link-etc/passwd', 'deny'],
    ['deny /etc/** catches /tmp/../etc/passwd', () => [rule('allow', 'Write'), rule('deny', 'Write', '/etc/**')], 'Write', () => '/tmp/../etc/passwd', 'deny'],
    ['a dangling link out of the worktree is outside', () => [rule('allow', 'Write', '**')], 'Write', () => 'dangling', 'ask'],
    ['deny .env* catches ./.env', () => [rule('allow', 'Read'), rule('deny', 'Read', '.env*')], 'Read', () => './.env', 'deny'],
    ['and sub/../.env', () => [rule('allow', 'Read'), rule('deny', 'Read', '.env*')], 'Read', () => 'sub/../.env', 'deny'],
    ['and the absolute path', () => [rule('allow', 'Read'), rule('deny', 'Read', '.env*')], 'Read', () => path.join(wt, '.env'), 'deny'],
    ['a path through a link to the worktree is inside it', () => [rule('allow', 'Write', 'src/**')], 'Write', () => path.join(root, 'wt-link', 'src', 'a.ts'), 'allow'],
    ['an absolute pattern through a link matches the real place', () => [rule('allow', 'Write', path.join(root, 'wt-link', 'src', '**'))], 'Write', () => 'src/b.ts', 'allow'],
    ['a loop is never allowed by a pattern', () => [rule('allow', 'Write', '**')], 'Write', () => 'loop1/x', 'ask'],
  ])('%s', (_name, rules, tool, raw, effect) => {
    expect(decide(rules(), tool, raw())).toBe(effect);
  });
});

const SEGMENTS = ['src', 'sub', 'a.ts', '..', '.', '', 'link-etc', 'up', 'dangling', 'rel-out', 'new', 'outside', 'wt', 'loop1', 'secret', 'passwd'];
const rawPaths = fc.array(fc.constantFrom(...SEGMENTS), { minLength: 1, maxLength: 8 }).map((segments) => segments.join('/'));

describe('path resolution, by property', () => {
  it('never leaves . or .. segments, and agrees with the kernel where the file exists', () => {
    fc.assert(
      fc.property(rawPaths, fc.boolean(), (raw, absolute) => {
        const input = absolute ? `${wt}/${raw}` : raw;
        const resolved = resolveToolPath(input, wt);
        if (resolved === null) return;
        expect(resolved.startsWith('/')).toBe(true);
        expect(resolved.split('/').slice(1).filter((s) => s === '..' || s === '.' || s === '')).toEqual(resolved === '/' ? [''] : []);
        let real: string | null = null;
        try {
          real = fs.realpathSync.native(input.startsWith('/') ? input : `${wt}/${input}`);
        } catch {
          // Not there: only the rules above apply.
        }
        if (real !== null) expect(resolved).toBe(real);
      }),
      { numRuns: 3000 },
    );
  });

  it('a pattern p/** never matches a path whose resolved form is outside p', () => {
    const folders = fc.array(fc.constantFrom('src', 'sub', 'up', '..', 'link-etc', 'rel-out', 'new'), { minLength: 1, maxLength: 3 }).map((s) => s.join('/'));
    fc.assert(
      fc.property(folders, rawPaths, (folder, raw) => {
        const test = compilePathPattern(`${folder}/**`, wt)!;
        const resolved = resolveToolPath(raw, wt);
        if (resolved === null || !test(resolved)) return;
        const base = realPath(`${wt}/${folder}`)!;
        expect(isInside(base, resolved)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('a remembered path matches that file and no other', () => {
    const names = fc.string({ unit: fc.constantFrom(...'ab*?\\[].-_ '.split('')), minLength: 1, maxLength: 8 }).filter((s) => s !== '.' && s !== '..');
    fc.assert(
      fc.property(names, names, (name, other) => {
        const test = compilePathPattern(literalPathPattern(`src/${name}`), wt)!;
        expect(test(path.join(wt, 'src', name))).toBe(true);
        if (other !== name) expect(test(path.join(wt, 'src', other))).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });
});
