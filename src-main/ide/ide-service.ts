import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import spawn from 'cross-spawn';
import type { EditorInfo, EditorsInfo, OpenInRequest } from '../../src-common/domain/ide';
import { AppError } from '../../src-common/result';
import type { SessionService } from '../agents/session-service';
import type { UserEnvironment } from '../agents/user-environment';
import type { SettingsService } from '../settings/settings-service';
import type { WorktreeService } from '../worktrees/worktree-service';
import { launchPlan, type PlatformContext } from './editor-catalog';
import { detectEditors, detectTerminal, fileProbe, type DetectedEditor, type DetectedTerminal, type FileProbe } from './editor-detection';

const CACHE_MS = 60_000;

/** Where "Open in" finds folders and what it detects with. */
export interface IdeServiceDeps {
  /** The user's login environment: its PATH finds the editors, and editors start with it (minus Pitwall's own variables). */
  environment: Pick<UserEnvironment, 'path' | 'forAgent'>;
  worktrees: Pick<WorktreeService, 'get'>;
  sessions: Pick<SessionService, 'get'>;
  settings: Pick<SettingsService, 'get'>;
  context?: PlatformContext;
  probe?: FileProbe;
}

/** The preferred editor: the one chosen in the settings when installed, else the first real editor found. */
export function preferredEditor(editors: readonly Pick<EditorInfo, 'id'>[], chosen: string | null): string | null {
  if (chosen && editors.some((e) => e.id === chosen)) return chosen;
  return editors.find((e) => e.id !== 'system')?.id ?? editors[0]?.id ?? null;
}

/**
 * A file inside `folder` named by a path relative to it; refuses absolute paths and any path that
 * leaves the folder, so a request can only open what belongs to the worktree or session.
 */
export function fileInside(folder: string, relative: string): string {
  if (path.isAbsolute(relative) || /^[a-zA-Z]:/.test(relative)) throw new AppError('invalid_path', 'Give the file relative to the worktree');
  const file = path.resolve(folder, relative);
  const rel = path.relative(folder, file);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) throw new AppError('invalid_path', `${relative} is outside the worktree`);
  return file;
}

/**
 * "Open in": detects the installed editors and a terminal the way agent CLIs are found (login
 * shell PATH, then the usual install locations) and opens a worktree's or session's folder, or a
 * file in it at a line, in one of them.
 */
export class IdeService {
  private cache: { at: number; editors: DetectedEditor[]; terminal: DetectedTerminal | null } | null = null;
  private readonly context: PlatformContext;
  private readonly probe: FileProbe;

  constructor(private readonly deps: IdeServiceDeps) {
    this.context = deps.context ?? { platform: process.platform, home: os.homedir(), env: process.env };
    this.probe = deps.probe ?? fileProbe;
  }

  /** The editors and the terminal found here (cached for a minute unless `refresh`). */
  async list(refresh = false): Promise<EditorsInfo> {
    const found = await this.detect(refresh);
    const editors: EditorInfo[] = found.editors.map((e) => ({ id: e.definition.id, name: e.definition.name, family: e.definition.family, atLine: e.definition.family !== 'system' }));
    return { editors, terminal: found.terminal ? { name: found.terminal.definition.name } : null, preferred: preferredEditor(editors, this.deps.settings.get().preferredEditor) };
  }

  /** Opens the target folder, or a file in it at a line, in an editor (the preferred one by default). */
  async open(request: OpenInRequest): Promise<{ editor: string; atLine: boolean }> {
    const folder = this.folderOf(request);
    const file = request.path ? fileInside(folder, request.path) : undefined;
    if (file && !fs.existsSync(file)) throw new AppError('not_found', `${request.path} is not in the worktree (deleted?)`);
    const { editors } = await this.detect(false);
    const id = request.editorId ?? preferredEditor(editors.map((e) => ({ id: e.definition.id })), this.deps.settings.get().preferredEditor);
    const editor = editors.find((e) => e.definition.id === id);
    if (!editor) throw new AppError('not_found', id ? `${id} is not installed (or not found on your PATH)` : 'No editor was found: install VS Code, Cursor, Windsurf, Zed or a JetBrains IDE, or put its launcher on your PATH');
    const plan = launchPlan(editor.definition, editor.executable, { folder, file, line: request.line, column: request.column }, this.context.platform);
    await this.launch(plan.command, plan.args, folder);
    return { editor: editor.definition.name, atLine: plan.atLine };
  }

  /** Opens a terminal window in the target's folder. */
  async openTerminal(request: Pick<OpenInRequest, 'worktreeId' | 'sessionId'>): Promise<{ terminal: string }> {
    const folder = this.folderOf(request);
    const { terminal } = await this.detect(false);
    if (!terminal) throw new AppError('not_found', 'No terminal emulator was found on your PATH (set $TERMINAL to the one you use)');
    await this.launch(terminal.executable, terminal.definition.args(folder), folder);
    return { terminal: terminal.definition.name };
  }

  private async detect(refresh: boolean): Promise<{ editors: DetectedEditor[]; terminal: DetectedTerminal | null }> {
    if (!refresh && this.cache && Date.now() - this.cache.at < CACHE_MS) return this.cache;
    const searchPath = await this.deps.environment.path();
    this.cache = { at: Date.now(), editors: detectEditors(this.context, searchPath, this.probe), terminal: detectTerminal(this.context, searchPath, this.probe) };
    return this.cache;
  }

  private folderOf(request: Pick<OpenInRequest, 'worktreeId' | 'sessionId'>): string {
    let folder: string | null = null;
    if (request.worktreeId) {
      const worktree = this.deps.worktrees.get(request.worktreeId);
      if (worktree.status !== 'active') throw new AppError('invalid_request', `Worktree ${worktree.branch} is ${worktree.status}`);
      folder = worktree.path;
    } else if (request.sessionId) {
      folder = this.deps.sessions.get(request.sessionId).cwd;
    }
    if (!folder) throw new AppError('invalid_request', 'Name a worktree or a session to open');
    if (!fs.existsSync(folder)) throw new AppError('not_found', `${folder} no longer exists`);
    return folder;
  }

  /** Starts the program detached (it outlives Pitwall), with the login PATH, and waits until it has started. */
  private async launch(command: string, args: string[], cwd: string): Promise<void> {
    // The user's environment without Pitwall's own variables: ELECTRON_RUN_AS_NODE must not turn an
    // Electron-based editor into plain Node, and no token reaches it.
    const env: NodeJS.ProcessEnv = await this.deps.environment.forAgent();
    await new Promise<void>((resolve, reject) => {
      const child = spawn(command, args, { cwd, env, detached: true, stdio: 'ignore', windowsHide: false });
      child.once('error', (error) => reject(new AppError('internal', `Could not start ${path.basename(command)}: ${error.message}`)));
      child.once('spawn', () => {
        child.unref();
        resolve();
      });
    });
  }
}
