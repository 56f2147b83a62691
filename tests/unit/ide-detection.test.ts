import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EDITORS, launchPlan, type PlatformContext } from '../../src-main/ide/editor-catalog';
import { detectEditors, detectTerminal, expandLocation, fileProbe, findOnPath, type FileProbe } from '../../src-main/ide/editor-detection';
import { fileInside, preferredEditor } from '../../src-main/ide/ide-service';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';

afterAll(removeTempDirs);

/** A machine described as a set of executable files (for the platforms this one is not). */
function machine(files: string[]): FileProbe {
  const set = new Set(files);
  return {
    isExecutable: (file) => set.has(file),
    list: (dir) => [...new Set(files.filter((f) => f.startsWith(`${dir}${dir.includes('\\') ? '\\' : '/'}`)).map((f) => f.slice(dir.length + 1).split(/[\\/]/)[0]!))].sort(),
  };
}

function executable(dir: string, name: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  fs.writeFileSync(file, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  return file;
}

const ids = (found: { definition: { id: string } }[]) => found.map((f) => f.definition.id);

describe('editor detection', () => {
  it('finds launchers on the login PATH first, then at the usual install locations, on a real file system', () => {
    const root = tempDir('pitwall-ide-');
    const bin = path.join(root, 'bin');
    const code = executable(bin, 'code');
    const zed = executable(path.join(root, 'home', '.local', 'bin'), 'zed');
    // A JetBrains Toolbox script, and a versioned /opt-style install found through the `*` segment.
    const webstorm = executable(path.join(root, 'home', '.local', 'share', 'JetBrains', 'Toolbox', 'scripts'), 'webstorm');
    executable(path.join(root, 'home', '.local', 'share', 'JetBrains', 'PyCharm 2024.3', 'bin'), 'pycharm.sh');
    const newest = executable(path.join(root, 'home', '.local', 'share', 'JetBrains', 'PyCharm 2025.1', 'bin'), 'pycharm.sh');
    fs.writeFileSync(path.join(bin, 'cursor'), 'not executable', { mode: 0o644 });
    const ctx: PlatformContext = { platform: 'linux', home: path.join(root, 'home'), env: {} };
    // The real file system, seen only inside the test's folder (this machine's own editors stay out of it).
    const inside: FileProbe = { isExecutable: (f) => f.startsWith(root) && fileProbe.isExecutable(f), list: (d) => (d.startsWith(root) ? fileProbe.list(d) : []) };
    const found = detectEditors(ctx, `/nonexistent:${bin}`, inside);
    expect(ids(found)).toEqual(['vscode', 'zed', 'webstorm', 'pycharm']);
    expect(found[0]).toMatchObject({ executable: code, via: 'path' });
    expect(found[1]).toMatchObject({ executable: zed, via: 'location' });
    expect(found[2]).toMatchObject({ executable: webstorm, via: 'location' });
    expect(found[3]).toMatchObject({ executable: newest });
  });

  it('knows the macOS app bundles and JetBrains apps', () => {
    const ctx: PlatformContext = { platform: 'darwin', home: '/Users/ada', env: {} };
    const probe = machine([
      '/Applications/Visual Studio Code.app/Contents/Resources/app/bin/code',
      '/Users/ada/Applications/Cursor.app/Contents/Resources/app/bin/cursor',
      '/Applications/Windsurf.app/Contents/Resources/app/bin/windsurf',
      '/Applications/Zed.app/Contents/MacOS/cli',
      '/Applications/IntelliJ IDEA CE.app/Contents/MacOS/idea',
      '/usr/bin/open',
    ]);
    const found = detectEditors(ctx, '/usr/bin:/bin', probe);
    expect(ids(found)).toEqual(['vscode', 'cursor', 'windsurf', 'zed', 'idea', 'system']);
    expect(found.every((f) => f.via === 'location')).toBe(true);
  });

  it('knows the Windows per-user installs, PATHEXT suffixes and versioned JetBrains folders', () => {
    const ctx: PlatformContext = { platform: 'win32', home: 'C:\\Users\\ada', env: { LOCALAPPDATA: 'C:\\Users\\ada\\AppData\\Local', ProgramFiles: 'C:\\Program Files', SystemRoot: 'C:\\Windows' } };
    const probe = machine([
      'C:\\Users\\ada\\AppData\\Local\\Programs\\Microsoft VS Code\\bin\\code.cmd',
      'C:\\tools\\windsurf.cmd',
      'C:\\Program Files\\JetBrains\\Rider 2024.2\\bin\\rider64.exe',
      'C:\\Program Files\\JetBrains\\Rider 2025.1\\bin\\rider64.exe',
      'C:\\Windows\\explorer.exe',
    ]);
    const found = detectEditors(ctx, 'C:\\Windows\\system32;C:\\tools', probe);
    expect(found.map((f) => [f.definition.id, f.executable])).toEqual([
      ['vscode', 'C:\\Users\\ada\\AppData\\Local\\Programs\\Microsoft VS Code\\bin\\code.cmd'],
      ['windsurf', 'C:\\tools\\windsurf.cmd'],
      ['rider', 'C:\\Program Files\\JetBrains\\Rider 2025.1\\bin\\rider64.exe'],
      ['system', 'C:\\Windows\\explorer.exe'],
    ]);
    expect(findOnPath('windsurf', 'C:\\tools', 'win32', probe)).toBe('C:\\tools\\windsurf.cmd');
    expect(expandLocation('C:\\Program Files\\JetBrains\\*\\bin\\rider64.exe', 'win32', probe)).toEqual([
      'C:\\Program Files\\JetBrains\\Rider 2025.1\\bin\\rider64.exe',
      'C:\\Program Files\\JetBrains\\Rider 2024.2\\bin\\rider64.exe',
    ]);
  });

  it('covers VS Code, Cursor, Windsurf, Zed, the JetBrains IDEs and the system default', () => {
    const families = new Map(EDITORS.map((e) => [e.id, e.family]));
    expect(families.get('vscode')).toBe('vscode');
    expect(families.get('cursor')).toBe('vscode');
    expect(families.get('windsurf')).toBe('vscode');
    expect(families.get('zed')).toBe('zed');
    for (const id of ['idea', 'webstorm', 'pycharm', 'goland', 'clion', 'rider', 'phpstorm', 'rubymine', 'rustrover']) expect(families.get(id)).toBe('jetbrains');
    expect(EDITORS.at(-1)!.id).toBe('system');
    expect(new Set(EDITORS.map((e) => e.id)).size).toBe(EDITORS.length);
  });

  it('prefers the chosen editor when installed, else the first real one', () => {
    const found = [{ id: 'cursor' }, { id: 'zed' }, { id: 'system' }];
    expect(preferredEditor(found, 'zed')).toBe('zed');
    expect(preferredEditor(found, 'vscode')).toBe('cursor');
    expect(preferredEditor(found, null)).toBe('cursor');
    expect(preferredEditor([{ id: 'system' }], null)).toBe('system');
    expect(preferredEditor([], null)).toBeNull();
  });
});

describe('launch arguments', () => {
  const target = { folder: '/w/fix-login', file: '/w/fix-login/src/app.ts', line: 42, column: 7 };

  it('open the worktree as the workspace and the file at its line in VS Code and its forks', () => {
    expect(launchPlan({ family: 'vscode' }, '/usr/bin/code', target, 'linux')).toEqual({ command: '/usr/bin/code', args: ['/w/fix-login', '--goto', '/w/fix-login/src/app.ts:42:7'], atLine: true });
    expect(launchPlan({ family: 'vscode' }, 'cursor', { ...target, column: undefined }, 'linux').args).toEqual(['/w/fix-login', '--goto', '/w/fix-login/src/app.ts:42']);
    expect(launchPlan({ family: 'vscode' }, 'code', { folder: '/w/fix-login' }, 'linux')).toEqual({ command: 'code', args: ['/w/fix-login'], atLine: false });
    expect(launchPlan({ family: 'vscode' }, 'code', { folder: '/w', file: '/w/a.ts' }, 'linux')).toEqual({ command: 'code', args: ['/w', '--goto', '/w/a.ts'], atLine: false });
  });

  it('use path:line:column for Zed and Sublime, and --line / --column for JetBrains', () => {
    expect(launchPlan({ family: 'zed' }, 'zed', target, 'linux').args).toEqual(['/w/fix-login', '/w/fix-login/src/app.ts:42:7']);
    expect(launchPlan({ family: 'sublime' }, 'subl', { folder: '/w' }, 'linux').args).toEqual(['/w']);
    expect(launchPlan({ family: 'jetbrains' }, 'idea', target, 'linux')).toEqual({ command: 'idea', args: ['/w/fix-login', '--line', '42', '--column', '7', '/w/fix-login/src/app.ts'], atLine: true });
    expect(launchPlan({ family: 'jetbrains' }, 'idea', { folder: '/w/fix-login' }, 'linux').args).toEqual(['/w/fix-login']);
  });

  it('hand the file to the system opener, which has no line: open -t on macOS picks the text editor', () => {
    expect(launchPlan({ family: 'system' }, '/usr/bin/open', target, 'darwin')).toEqual({ command: '/usr/bin/open', args: ['-t', '/w/fix-login/src/app.ts'], atLine: false });
    expect(launchPlan({ family: 'system' }, '/usr/bin/xdg-open', target, 'linux').args).toEqual(['/w/fix-login/src/app.ts']);
    expect(launchPlan({ family: 'system' }, 'explorer.exe', { folder: 'C:\\w' }, 'win32').args).toEqual(['C:\\w']);
  });

  it('only open files inside the worktree', () => {
    expect(fileInside('/w/fix-login', 'src/app.ts')).toBe('/w/fix-login/src/app.ts');
    expect(() => fileInside('/w/fix-login', '../other/secret')).toThrow(/outside the worktree/);
    expect(() => fileInside('/w/fix-login', '/etc/passwd')).toThrow(/relative to the worktree/);
    expect(() => fileInside('/w/fix-login', '.')).toThrow(/outside the worktree/);
  });
});

describe('terminal detection', () => {
  it('uses $TERMINAL, else the first known terminal on PATH, each started in the folder', () => {
    const ctx = (env: NodeJS.ProcessEnv): PlatformContext => ({ platform: 'linux', home: '/home/ada', env });
    const probe = machine(['/usr/bin/konsole', '/usr/bin/kitty', '/usr/bin/xterm']);
    const konsole = detectTerminal(ctx({}), '/usr/bin', probe)!;
    expect(konsole.definition.id).toBe('konsole');
    expect(konsole.definition.args('/w/x')).toEqual(['--workdir', '/w/x']);
    const kitty = detectTerminal(ctx({ TERMINAL: 'kitty' }), '/usr/bin', probe)!;
    expect([kitty.executable, kitty.definition.args('/w/x')]).toEqual(['/usr/bin/kitty', ['--directory', '/w/x']]);
    // A $TERMINAL that is not a plain command name is ignored.
    expect(detectTerminal(ctx({ TERMINAL: 'rm -rf /' }), '/usr/bin', probe)!.definition.id).toBe('konsole');
    expect(detectTerminal(ctx({}), '/usr/bin', machine([]))).toBeNull();
  });

  it('opens Terminal or iTerm on macOS, and Windows Terminal or a console on Windows', () => {
    const mac = detectTerminal({ platform: 'darwin', home: '/Users/a', env: {} }, '', machine(['/Applications/iTerm.app/Contents/MacOS/iTerm2']))!;
    expect([mac.executable, mac.definition.args('/w')]).toEqual(['/usr/bin/open', ['-a', 'iTerm', '/w']]);
    expect(detectTerminal({ platform: 'darwin', home: '/Users/a', env: {} }, '', machine([]))!.definition.args('/w')).toEqual(['-a', 'Terminal', '/w']);
    const wt = detectTerminal({ platform: 'win32', home: 'C:\\Users\\a', env: {} }, 'C:\\apps', machine(['C:\\apps\\wt.exe']))!;
    expect([wt.executable, wt.definition.args('C:\\w')]).toEqual(['C:\\apps\\wt.exe', ['-d', 'C:\\w']]);
    // Without it, a console starts in the folder (given as its working directory, not on a command line).
    expect(detectTerminal({ platform: 'win32', home: 'C:\\Users\\a', env: {} }, '', machine([]))!.definition.args('C:\\w & calc')).toEqual(['/d', '/c', 'start', 'cmd.exe']);
  });
});
