import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TranscriptSourceId } from './parsed';
import { fileUriToPath } from './parsers/vscode-copilot';

/** A folder Pitwall watches for one source's transcript files. */
export interface TranscriptRoot {
  source: TranscriptSourceId;
  path: string;
}

/** The folders products of the VS Code family keep their user data in. */
const VSCODE_PRODUCTS = ['Code', 'Code - Insiders', 'VSCodium', 'Cursor', 'Windsurf'];

/** Comma-separated folders of an environment variable (as Claude Code and Codex read theirs), or null when unset. */
function folderList(value: string | undefined): string[] | null {
  const list = (value ?? '').split(',').map((p) => p.trim()).filter(Boolean);
  return list.length > 0 ? list.map((p) => path.resolve(p)) : null;
}

/**
 * The default roots of every source on this platform (whether or not they exist). Claude Code: each
 * folder of `CLAUDE_CONFIG_DIR` (a comma-separated list), else both `~/.config/claude` (the newer
 * default) and `~/.claude`. Codex: each `CODEX_HOME` (or `~/.codex`), with its `sessions` and
 * `archived_sessions`.
 */
export function defaultTranscriptRoots(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home = os.homedir()): TranscriptRoot[] {
  const xdg = env.XDG_CONFIG_HOME || path.join(home, '.config');
  const claude = folderList(env.CLAUDE_CONFIG_DIR) ?? [path.join(xdg, 'claude'), path.join(home, '.claude')];
  const codex = folderList(env.CODEX_HOME) ?? [path.join(home, '.codex')];
  const appData =
    platform === 'darwin'
      ? path.join(home, 'Library', 'Application Support')
      : platform === 'win32'
        ? (env.APPDATA ?? path.join(home, 'AppData', 'Roaming'))
        : xdg;
  const roots: TranscriptRoot[] = [
    ...claude.map((dir): TranscriptRoot => ({ source: 'claude-code', path: path.join(dir, 'projects') })),
    ...codex.flatMap((dir): TranscriptRoot[] => [
      { source: 'codex', path: path.join(dir, 'sessions') },
      { source: 'codex', path: path.join(dir, 'archived_sessions') },
    ]),
    { source: 'gemini', path: path.join(home, '.gemini', 'tmp') },
    ...VSCODE_PRODUCTS.map((product): TranscriptRoot => ({ source: 'vscode-copilot', path: path.join(appData, product, 'User') })),
  ];
  return roots.filter((r, i) => roots.findIndex((o) => o.path === r.path) === i);
}

/**
 * True for an archived Codex rollout whose active copy is still in the sessions folder (the same name,
 * in its date folder or at the same place): as ccusage, the active copy is the one read.
 */
export function isShadowedArchive(root: TranscriptRoot, file: string): boolean {
  if (root.source !== 'codex' || path.basename(root.path) !== 'archived_sessions') return false;
  const sessions = path.join(path.dirname(root.path), 'sessions');
  const name = path.basename(file);
  const dated = /^rollout-(\d{4})-(\d{2})-(\d{2})T/.exec(name);
  const candidates = [path.join(sessions, path.relative(root.path, file))];
  if (dated) candidates.push(path.join(sessions, dated[1]!, dated[2]!, dated[3]!, name));
  return candidates.some((c) => fs.existsSync(c));
}

/** True when `file` (inside `root`) is a transcript of the root's source. */
export function isTranscriptFile(root: TranscriptRoot, file: string): boolean {
  const parts = path.relative(root.path, file).split(path.sep);
  if (parts[0] === '..' || path.isAbsolute(parts[0] ?? '')) return false;
  const name = parts[parts.length - 1] ?? '';
  switch (root.source) {
    case 'claude-code':
      // projects/<cwd>/<session>.jsonl and projects/<cwd>/<session>/subagents/agent-<id>.jsonl
      return name.endsWith('.jsonl') && (parts.length === 2 || (parts.length === 4 && parts[2] === 'subagents'));
    case 'codex':
      return name.startsWith('rollout-') && name.endsWith('.jsonl');
    case 'gemini':
      // tmp/<project hash>/chats/session-*.json(l), and chats/<parent session>/<id>.jsonl for subagents
      return (parts.length === 3 && parts[1] === 'chats' && /^session-.*\.jsonl?$/.test(name)) || (parts.length === 4 && parts[1] === 'chats' && name.endsWith('.jsonl'));
    case 'vscode-copilot':
      if (!/\.jsonl?$/.test(name)) return false;
      return (
        (parts.length === 4 && parts[0] === 'workspaceStorage' && parts[2] === 'chatSessions') ||
        (parts.length === 3 && parts[0] === 'globalStorage' && parts[1] === 'emptyWindowChatSessions')
      );
  }
}

/** How deep a watcher or a walk has to look under a root. */
export function rootDepth(source: TranscriptSourceId): number {
  return source === 'claude-code' ? 4 : source === 'codex' ? 5 : 4;
}

/** Folders under a VS Code root that can never hold chat sessions; skipping them keeps a walk small. */
export function isIgnoredDir(root: TranscriptRoot, dir: string): boolean {
  if (root.source === 'gemini') {
    const parts = path.relative(root.path, dir).split(path.sep).filter(Boolean);
    return parts.length >= 2 && parts[1] !== 'chats';
  }
  if (root.source !== 'vscode-copilot') return false;
  const parts = path.relative(root.path, dir).split(path.sep).filter(Boolean);
  if (parts.length === 0) return false;
  if (parts[0] !== 'workspaceStorage' && parts[0] !== 'globalStorage') return true;
  if (parts[0] === 'globalStorage' && parts.length >= 2 && parts[1] !== 'emptyWindowChatSessions') return true;
  if (parts[0] === 'workspaceStorage' && parts.length >= 3 && parts[2] !== 'chatSessions') return true;
  return false;
}

/** A transcript file found on disk. */
export interface FoundFile {
  path: string;
  source: TranscriptSourceId;
  size: number;
  mtimeMs: number;
}

/** Every transcript file under the roots, newest first. A VS Code `.json` with a `.jsonl` twin is left out. */
export async function findTranscriptFiles(roots: TranscriptRoot[]): Promise<FoundFile[]> {
  const found: FoundFile[] = [];
  const walk = async (root: TranscriptRoot, dir: string, depth: number): Promise<void> => {
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (depth < rootDepth(root.source) && !isIgnoredDir(root, full)) await walk(root, full, depth + 1);
      } else if (entry.isFile() && isTranscriptFile(root, full) && !isShadowedArchive(root, full)) {
        // A .json with a .jsonl twin was migrated (VS Code, Gemini): the .jsonl is the live one.
        if (full.endsWith('.json') && entries.some((e) => e.name === `${entry.name}l`)) continue;
        try {
          const stat = await fs.promises.stat(full);
          found.push({ path: full, source: root.source, size: stat.size, mtimeMs: stat.mtimeMs });
        } catch {
          // Gone between the listing and the stat: nothing to read.
        }
      }
    }
  };
  for (const root of roots) await walk(root, root.path, 1);
  return found.sort((a, b) => b.mtimeMs - a.mtimeMs);
}

/** The project folder VS Code recorded for a chat session file's workspace, if it is a local folder. */
export function vscodeWorkspaceFolder(sessionFile: string): string | null {
  const workspaceJson = path.join(path.dirname(path.dirname(sessionFile)), 'workspace.json');
  try {
    const data = JSON.parse(fs.readFileSync(workspaceJson, 'utf8')) as { folder?: unknown };
    return typeof data.folder === 'string' ? fileUriToPath(data.folder) : null;
  } catch {
    return null;
  }
}
