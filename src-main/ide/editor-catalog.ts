import path from 'node:path';

/** How an editor's command line is built. */
export type EditorFamily = 'vscode' | 'zed' | 'jetbrains' | 'sublime' | 'system';

/** Where detection looks: the platform, the home folder and the environment (for %LOCALAPPDATA% and friends). */
export interface PlatformContext {
  platform: NodeJS.Platform;
  home: string;
  env: NodeJS.ProcessEnv;
}

/** An editor Pitwall knows how to open: its launcher names on PATH and its usual install locations. */
export interface EditorDefinition {
  id: string;
  name: string;
  family: EditorFamily;
  /** Launcher names looked up on the login shell's PATH, in order. */
  commands: string[];
  /** Usual launcher paths when it is not on PATH; one `*` path segment matches any folder name. */
  locations(ctx: PlatformContext): string[];
}

function localAppData(ctx: PlatformContext): string {
  return ctx.env.LOCALAPPDATA ?? path.win32.join(ctx.home, 'AppData', 'Local');
}

function programFiles(ctx: PlatformContext): string[] {
  return [...new Set([ctx.env.ProgramFiles ?? 'C:\\Program Files', ctx.env['ProgramFiles(x86)'] ?? 'C:\\Program Files (x86)'])];
}

/** An editor built on VS Code: the same `--goto file:line:column` command line. */
function vscodeLike(id: string, name: string, command: string, where: { mac: string[]; linux: string[]; win: (ctx: PlatformContext) => string[] }): EditorDefinition {
  return {
    id,
    name,
    family: 'vscode',
    commands: [command],
    locations: (ctx) => {
      if (ctx.platform === 'darwin') return where.mac.flatMap((app) => [path.posix.join('/Applications', app), path.posix.join(ctx.home, 'Applications', app)]);
      if (ctx.platform === 'win32') return where.win(ctx);
      return where.linux;
    },
  };
}

/** A JetBrains IDE: launcher `name`, app bundles on macOS, Toolbox scripts everywhere, installs under Program Files or /opt. */
function jetbrains(id: string, name: string, launcher: string, macApps: string[]): EditorDefinition {
  return {
    id,
    name,
    family: 'jetbrains',
    commands: [launcher],
    locations: (ctx) => {
      if (ctx.platform === 'darwin') {
        return [
          path.posix.join(ctx.home, 'Library', 'Application Support', 'JetBrains', 'Toolbox', 'scripts', launcher),
          ...macApps.flatMap((app) => [path.posix.join('/Applications', app, 'Contents', 'MacOS', launcher), path.posix.join(ctx.home, 'Applications', app, 'Contents', 'MacOS', launcher)]),
        ];
      }
      if (ctx.platform === 'win32') {
        return [
          path.win32.join(localAppData(ctx), 'JetBrains', 'Toolbox', 'scripts', `${launcher}.cmd`),
          ...programFiles(ctx).map((dir) => path.win32.join(dir, 'JetBrains', '*', 'bin', `${launcher}64.exe`)),
        ];
      }
      return [
        path.posix.join(ctx.home, '.local', 'share', 'JetBrains', 'Toolbox', 'scripts', launcher),
        path.posix.join('/opt', '*', 'bin', `${launcher}.sh`),
        path.posix.join(ctx.home, '.local', 'share', 'JetBrains', '*', 'bin', `${launcher}.sh`),
      ];
    },
  };
}

/** Every editor Pitwall can open, in the order they are offered. */
export const EDITORS: EditorDefinition[] = [
  vscodeLike('vscode', 'VS Code', 'code', {
    mac: ['Visual Studio Code.app/Contents/Resources/app/bin/code'],
    linux: ['/usr/bin/code', '/usr/share/code/bin/code', '/snap/bin/code', '/usr/local/bin/code'],
    win: (ctx) => [path.win32.join(localAppData(ctx), 'Programs', 'Microsoft VS Code', 'bin', 'code.cmd'), ...programFiles(ctx).map((d) => path.win32.join(d, 'Microsoft VS Code', 'bin', 'code.cmd'))],
  }),
  vscodeLike('vscode-insiders', 'VS Code Insiders', 'code-insiders', {
    mac: ['Visual Studio Code - Insiders.app/Contents/Resources/app/bin/code'],
    linux: ['/usr/bin/code-insiders', '/usr/share/code-insiders/bin/code-insiders', '/snap/bin/code-insiders'],
    win: (ctx) => [path.win32.join(localAppData(ctx), 'Programs', 'Microsoft VS Code Insiders', 'bin', 'code-insiders.cmd')],
  }),
  vscodeLike('cursor', 'Cursor', 'cursor', {
    mac: ['Cursor.app/Contents/Resources/app/bin/cursor'],
    linux: ['/usr/bin/cursor', '/usr/share/cursor/bin/cursor', '/opt/Cursor/resources/app/bin/cursor'],
    win: (ctx) => [path.win32.join(localAppData(ctx), 'Programs', 'cursor', 'resources', 'app', 'bin', 'cursor.cmd')],
  }),
  vscodeLike('windsurf', 'Windsurf', 'windsurf', {
    mac: ['Windsurf.app/Contents/Resources/app/bin/windsurf'],
    linux: ['/usr/bin/windsurf', '/usr/share/windsurf/bin/windsurf'],
    win: (ctx) => [path.win32.join(localAppData(ctx), 'Programs', 'Windsurf', 'bin', 'windsurf.cmd')],
  }),
  vscodeLike('vscodium', 'VSCodium', 'codium', {
    mac: ['VSCodium.app/Contents/Resources/app/bin/codium'],
    linux: ['/usr/bin/codium', '/usr/share/codium/bin/codium', '/snap/bin/codium'],
    win: (ctx) => [path.win32.join(localAppData(ctx), 'Programs', 'VSCodium', 'bin', 'codium.cmd')],
  }),
  {
    id: 'zed',
    name: 'Zed',
    family: 'zed',
    commands: ['zed', 'zeditor'],
    locations: (ctx) =>
      ctx.platform === 'darwin'
        ? ['/Applications/Zed.app/Contents/MacOS/cli', path.posix.join(ctx.home, 'Applications', 'Zed.app', 'Contents', 'MacOS', 'cli')]
        : ctx.platform === 'win32'
          ? [path.win32.join(localAppData(ctx), 'Programs', 'Zed', 'bin', 'zed.exe')]
          : [path.posix.join(ctx.home, '.local', 'bin', 'zed'), '/usr/bin/zeditor', '/usr/bin/zed'],
  },
  jetbrains('idea', 'IntelliJ IDEA', 'idea', ['IntelliJ IDEA.app', 'IntelliJ IDEA Ultimate.app', 'IntelliJ IDEA CE.app']),
  jetbrains('webstorm', 'WebStorm', 'webstorm', ['WebStorm.app']),
  jetbrains('pycharm', 'PyCharm', 'pycharm', ['PyCharm.app', 'PyCharm Professional Edition.app', 'PyCharm CE.app']),
  jetbrains('goland', 'GoLand', 'goland', ['GoLand.app']),
  jetbrains('clion', 'CLion', 'clion', ['CLion.app']),
  jetbrains('rider', 'Rider', 'rider', ['Rider.app']),
  jetbrains('phpstorm', 'PhpStorm', 'phpstorm', ['PhpStorm.app']),
  jetbrains('rubymine', 'RubyMine', 'rubymine', ['RubyMine.app']),
  jetbrains('rustrover', 'RustRover', 'rustrover', ['RustRover.app']),
  jetbrains('android-studio', 'Android Studio', 'studio', ['Android Studio.app']),
  {
    id: 'sublime',
    name: 'Sublime Text',
    family: 'sublime',
    commands: ['subl'],
    locations: (ctx) =>
      ctx.platform === 'darwin'
        ? ['/Applications/Sublime Text.app/Contents/SharedSupport/bin/subl']
        : ctx.platform === 'win32'
          ? programFiles(ctx).map((d) => path.win32.join(d, 'Sublime Text', 'subl.exe'))
          : ['/opt/sublime_text/sublime_text', '/usr/bin/subl'],
  },
  {
    id: 'system',
    name: 'Default app',
    family: 'system',
    commands: [],
    locations: (ctx) =>
      ctx.platform === 'darwin' ? ['/usr/bin/open'] : ctx.platform === 'win32' ? [path.win32.join(ctx.env.SystemRoot ?? 'C:\\Windows', 'explorer.exe')] : ['/usr/bin/xdg-open', '/usr/local/bin/xdg-open'],
  },
];

/** What to open: a folder (a worktree, a session's directory) and, within it, a file at a line. */
export interface OpenTarget {
  folder: string;
  file?: string | undefined;
  line?: number | undefined;
  column?: number | undefined;
}

/** A program to start: no shell, arguments as a list. */
export interface LaunchPlan {
  command: string;
  args: string[];
  /** Whether the editor goes to the line (the system opener cannot). */
  atLine: boolean;
}

/** The command line that opens `target` in an editor whose launcher is `executable`. */
export function launchPlan(editor: Pick<EditorDefinition, 'family'>, executable: string, target: OpenTarget, platform: NodeJS.Platform): LaunchPlan {
  const { folder, file } = target;
  const line = file && target.line !== undefined ? target.line : undefined;
  const position = line !== undefined ? `:${line}${target.column !== undefined ? `:${target.column}` : ''}` : '';
  switch (editor.family) {
    case 'vscode':
      // The folder opens as the workspace; the file (at its line) in it.
      if (!file) return { command: executable, args: [folder], atLine: false };
      return { command: executable, args: [folder, '--goto', `${file}${line !== undefined ? position : ''}`], atLine: line !== undefined };
    case 'zed':
    case 'sublime':
      return { command: executable, args: file ? [folder, `${file}${position}`] : [folder], atLine: line !== undefined };
    case 'jetbrains': {
      if (!file) return { command: executable, args: [folder], atLine: false };
      const at = line !== undefined ? ['--line', String(line), ...(target.column !== undefined ? ['--column', String(target.column)] : [])] : [];
      return { command: executable, args: [folder, ...at, file], atLine: line !== undefined };
    }
    case 'system':
      // macOS `open -t` picks the default text editor; elsewhere the file's associated app.
      if (platform === 'darwin') return { command: executable, args: file ? ['-t', file] : [folder], atLine: false };
      return { command: executable, args: [file ?? folder], atLine: false };
  }
}

/** A terminal emulator Pitwall can open in a folder. */
export interface TerminalDefinition {
  id: string;
  name: string;
  command: string;
  /** Arguments that make it start in `folder`; the process also starts with `folder` as its cwd. */
  args(folder: string): string[];
}

/** Linux terminals, most specific first; `x-terminal-emulator` is Debian's chosen default. */
export const LINUX_TERMINALS: TerminalDefinition[] = [
  { id: 'x-terminal-emulator', name: 'Default terminal', command: 'x-terminal-emulator', args: () => [] },
  { id: 'gnome-terminal', name: 'GNOME Terminal', command: 'gnome-terminal', args: (f) => [`--working-directory=${f}`] },
  { id: 'ptyxis', name: 'Ptyxis', command: 'ptyxis', args: (f) => ['--new-window', '--working-directory', f] },
  { id: 'konsole', name: 'Konsole', command: 'konsole', args: (f) => ['--workdir', f] },
  { id: 'xfce4-terminal', name: 'Xfce Terminal', command: 'xfce4-terminal', args: (f) => [`--working-directory=${f}`] },
  { id: 'kitty', name: 'kitty', command: 'kitty', args: (f) => ['--directory', f] },
  { id: 'alacritty', name: 'Alacritty', command: 'alacritty', args: (f) => ['--working-directory', f] },
  { id: 'wezterm', name: 'WezTerm', command: 'wezterm', args: (f) => ['start', '--cwd', f] },
  { id: 'foot', name: 'foot', command: 'foot', args: (f) => [`--working-directory=${f}`] },
  { id: 'tilix', name: 'Tilix', command: 'tilix', args: (f) => [`--working-directory=${f}`] },
  { id: 'xterm', name: 'xterm', command: 'xterm', args: () => [] },
];

/** The terminal to open on macOS and Windows (always present there); Linux picks from {@link LINUX_TERMINALS}. */
export function platformTerminal(platform: NodeJS.Platform, hasITerm: boolean, hasWindowsTerminal: boolean): TerminalDefinition | null {
  if (platform === 'darwin') {
    const app = hasITerm ? 'iTerm' : 'Terminal';
    return { id: app.toLowerCase(), name: app, command: '/usr/bin/open', args: (f) => ['-a', app, f] };
  }
  if (platform === 'win32') {
    if (hasWindowsTerminal) return { id: 'wt', name: 'Windows Terminal', command: 'wt.exe', args: (f) => ['-d', f] };
    // `start` opens a new console window; the folder arrives as the working directory, never on a command line.
    return { id: 'cmd', name: 'Command Prompt', command: 'cmd.exe', args: () => ['/d', '/c', 'start', 'cmd.exe'] };
  }
  return null;
}
