import fs from 'node:fs';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import ignore from 'ignore';
import type { WorktreeDiff } from '../../src-common/domain/diff';
import type { EventBus } from '../events/event-bus';
import { worktreeChanges } from '../git/diff';
import type { Disposable } from '../lifecycle';
import type { WorktreeService } from '../worktrees/worktree-service';
import { copiedFiles } from '../worktrees/copied-files';
import { secretWarnings } from './secret-files';

interface Watched {
  watcher: FSWatcher;
  timer: NodeJS.Timeout | null;
  lastUsed: number;
  /** Settles once the watcher has read the folder (chokidar's `ready`), or was closed first. */
  ready: Promise<void>;
  settle: () => void;
}

/** Paths a diff never cares about: git's own files, and what the worktree's .gitignore ignores. */
export function ignoredPathTest(root: string): (p: string) => boolean {
  const matcher = ignore().add(['node_modules/']);
  try {
    matcher.add(fs.readFileSync(path.join(root, '.gitignore'), 'utf8'));
  } catch {
    // No .gitignore.
  }
  return (p: string) => {
    const rel = path.relative(root, p);
    if (rel === '' || rel.startsWith('..')) return false;
    // Of git's own files only the index and HEAD matter: staging and commits change them.
    if (rel === '.git') return false;
    if (rel.startsWith(`.git${path.sep}`)) return rel !== path.join('.git', 'index') && rel !== path.join('.git', 'HEAD');
    const posix = rel.split(path.sep).join('/');
    return matcher.ignores(posix) || matcher.ignores(`${posix}/`);
  };
}

/** The git dir of a linked worktree (its `.git` is a file pointing there), or null. */
function linkedGitDir(root: string): string | null {
  try {
    const text = fs.readFileSync(path.join(root, '.git'), 'utf8');
    const match = /^gitdir: (.+)$/m.exec(text);
    return match ? path.resolve(root, match[1]!.trim()) : null;
  } catch {
    return null;
  }
}

/**
 * Worktree diffs, kept live: a worktree whose diff was asked for is watched (debounced, ignoring
 * .git and ignored paths) and `diffs:changed` says when to read it again.
 */
export class DiffService implements Disposable {
  private readonly watched = new Map<string, Watched>();

  constructor(
    private readonly worktrees: WorktreeService,
    private readonly events: EventBus,
    private readonly debounceMs = 250,
    private readonly maxWatched = 16,
    /** Told every path a watcher reports, before the debounce (diagnostics; tests check what is ignored). */
    private readonly observe: (path: string) => void = () => {},
  ) {}

  /** Settles once the worktree's watcher is live (a diff must have been read first), so a change after it is announced. */
  async whenWatching(worktreeId: string): Promise<void> {
    await this.watched.get(worktreeId)?.ready;
  }

  async get(worktreeId: string): Promise<WorktreeDiff> {
    const wt = this.worktrees.get(worktreeId);
    const { mergeBase, files } = await worktreeChanges(wt.path, wt.baseRef, await copiedFiles(wt.path));
    this.watch(worktreeId, wt.path);
    return {
      worktreeId,
      baseRef: wt.baseRef,
      mergeBase,
      files,
      additions: files.reduce((n, f) => n + f.additions, 0),
      deletions: files.reduce((n, f) => n + f.deletions, 0),
      secrets: secretWarnings(files),
    };
  }

  private watch(worktreeId: string, root: string): void {
    const existing = this.watched.get(worktreeId);
    if (existing) {
      existing.lastUsed = Date.now();
      return;
    }
    if (this.watched.size >= this.maxWatched) {
      const oldest = [...this.watched.entries()].sort((a, b) => a[1].lastUsed - b[1].lastUsed)[0];
      if (oldest) this.unwatch(oldest[0]);
    }
    // A commit or a staging changes only git's files; a linked worktree keeps them outside it.
    const gitDir = linkedGitDir(root);
    const paths = gitDir ? [root, path.join(gitDir, 'index'), path.join(gitDir, 'HEAD')] : [root];
    const watcher = watch(paths, { ignored: ignoredPathTest(root), ignoreInitial: true, persistent: true });
    let settle = (): void => {};
    const ready = new Promise<void>((resolve) => {
      settle = resolve;
      watcher.once('ready', resolve);
    });
    const entry: Watched = { watcher, timer: null, lastUsed: Date.now(), ready, settle };
    const changed = (_event: string, changedPath: string): void => {
      this.observe(changedPath);
      if (entry.timer) clearTimeout(entry.timer);
      entry.timer = setTimeout(() => {
        entry.timer = null;
        this.events.emit('diffs:changed', { worktreeId });
      }, this.debounceMs);
    };
    watcher.on('all', changed);
    watcher.on('error', () => this.unwatch(worktreeId));
    this.watched.set(worktreeId, entry);
  }

  private unwatch(worktreeId: string): void {
    const entry = this.watched.get(worktreeId);
    if (!entry) return;
    if (entry.timer) clearTimeout(entry.timer);
    entry.settle();
    entry.watcher.close().catch((error: unknown) => console.error('[diff] closing a watcher failed', error));
    this.watched.delete(worktreeId);
  }

  async dispose(): Promise<void> {
    for (const id of [...this.watched.keys()]) this.unwatch(id);
  }
}
