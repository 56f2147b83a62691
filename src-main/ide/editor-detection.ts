import fs from 'node:fs';
import path from 'node:path';
import { EDITORS, LINUX_TERMINALS, platformTerminal, type EditorDefinition, type PlatformContext, type TerminalDefinition } from './editor-catalog';

/** The file system as detection sees it (tests give a folder tree of their own). */
export interface FileProbe {
  isExecutable(file: string): boolean;
  /** Folder names in `dir`; empty when it does not exist. */
  list(dir: string): string[];
}

/** The real file system. */
export const fileProbe: FileProbe = {
  isExecutable(file) {
    try {
      if (!fs.statSync(file).isFile()) return false;
      if (process.platform === 'win32') return true;
      fs.accessSync(file, fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  },
  list(dir) {
    try {
      return fs
        .readdirSync(dir, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
        .sort();
    } catch {
      return [];
    }
  },
};

/** An editor found on this machine, with the launcher to run. */
export interface DetectedEditor {
  definition: EditorDefinition;
  executable: string;
  /** How it was found: on the login shell's PATH, or at a usual install location. */
  via: 'path' | 'location';
}

/** A terminal found on this machine. */
export interface DetectedTerminal {
  definition: TerminalDefinition;
  executable: string;
}

function pathModule(platform: NodeJS.Platform): path.PlatformPath {
  return platform === 'win32' ? path.win32 : path.posix;
}

/** `command` on a PATH string, as the shell would find it (with PATHEXT's usual suffixes on Windows), or null. */
export function findOnPath(command: string, searchPath: string, platform: NodeJS.Platform, probe: FileProbe): string | null {
  const p = pathModule(platform);
  const exts = platform === 'win32' ? ['.exe', '.cmd', '.bat', ''] : [''];
  for (const dir of searchPath.split(platform === 'win32' ? ';' : ':')) {
    if (!dir) continue;
    for (const ext of exts) {
      const candidate = p.join(dir, command + ext);
      if (probe.isExecutable(candidate)) return candidate;
    }
  }
  return null;
}

/** The paths a location pattern names: one `*` segment stands for each folder there, newest name last sorted first. */
export function expandLocation(pattern: string, platform: NodeJS.Platform, probe: FileProbe): string[] {
  const p = pathModule(platform);
  const star = pattern.indexOf(`${p.sep}*${p.sep}`);
  if (star === -1) return [pattern];
  const parent = pattern.slice(0, star);
  const rest = pattern.slice(star + 3);
  // Versioned folders ("WebStorm 2024.3", "WebStorm 2025.1"): the highest sorts last, so try it first.
  return probe
    .list(parent)
    .reverse()
    .map((name) => p.join(parent, name, rest));
}

/**
 * The editors installed here: each launcher looked up on the login shell's PATH first (as the
 * agent CLIs are), then at the platform's usual install locations. The system opener comes last.
 */
export function detectEditors(ctx: PlatformContext, searchPath: string, probe: FileProbe = fileProbe, catalog: EditorDefinition[] = EDITORS): DetectedEditor[] {
  const found: DetectedEditor[] = [];
  for (const definition of catalog) {
    let executable: string | null = null;
    let via: DetectedEditor['via'] = 'path';
    for (const command of definition.commands) {
      executable = findOnPath(command, searchPath, ctx.platform, probe);
      if (executable) break;
    }
    if (!executable) {
      via = 'location';
      executable = definition.locations(ctx).flatMap((l) => expandLocation(l, ctx.platform, probe)).find((file) => probe.isExecutable(file)) ?? null;
    }
    if (executable) found.push({ definition, executable, via });
  }
  return found;
}

/** The terminal to open in a folder: `$TERMINAL` when set, else the first known one on PATH (Linux); the platform's own elsewhere. */
export function detectTerminal(ctx: PlatformContext, searchPath: string, probe: FileProbe = fileProbe): DetectedTerminal | null {
  if (ctx.platform === 'darwin') {
    const definition = platformTerminal('darwin', probe.list('/Applications').includes('iTerm.app'), false)!;
    return { definition, executable: definition.command };
  }
  if (ctx.platform === 'win32') {
    const wt = findOnPath('wt', searchPath, 'win32', probe);
    const definition = platformTerminal('win32', wt !== null, wt !== null)!;
    return { definition, executable: wt ?? definition.command };
  }
  const chosen = ctx.env.TERMINAL?.trim();
  if (chosen && /^[\w.+-]+$/.test(chosen)) {
    const executable = findOnPath(chosen, searchPath, ctx.platform, probe);
    const known = LINUX_TERMINALS.find((t) => t.command === chosen);
    if (executable) return { definition: known ?? { id: chosen, name: chosen, command: chosen, args: () => [] }, executable };
  }
  for (const definition of LINUX_TERMINALS) {
    const executable = findOnPath(definition.command, searchPath, ctx.platform, probe);
    if (executable) return { definition, executable };
  }
  return null;
}
