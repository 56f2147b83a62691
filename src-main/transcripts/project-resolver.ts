import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';

/** Maps a working directory to a registered project (the deepest registered folder that contains it). */
export type ProjectResolver = (cwd: string) => string | null;

/** A registered folder: a project's, or one of its worktrees'. */
export interface ProjectFolder {
  id: string;
  path: string;
}

/** Lists the folders of the registered projects and of their worktrees, each with its project (read afresh on each call). */
export function folderLister(sqlite: BetterSqlite3.Database): () => ProjectFolder[] {
  const statement = sqlite.prepare(`SELECT id, path FROM projects WHERE deleted_at IS NULL UNION ALL SELECT project_id AS id, path FROM worktrees WHERE deleted_at IS NULL`);
  return () => statement.all() as ProjectFolder[];
}

/** The project whose folder holds `cwd` among `folders` (the deepest one wins), or null. */
export function projectIn(folders: ProjectFolder[], cwd: string): string | null {
  let best: { id: string; length: number } | null = null;
  for (const p of folders) {
    const inside = cwd === p.path || cwd.startsWith(p.path.endsWith(path.sep) ? p.path : p.path + path.sep);
    if (inside && (!best || p.path.length > best.length)) best = { id: p.id, length: p.path.length };
  }
  return best?.id ?? null;
}

/** Maps a working directory to the registered project whose folder holds it (the deepest one wins). */
export function projectResolverFor(sqlite: BetterSqlite3.Database): ProjectResolver {
  const folders = folderLister(sqlite);
  return (cwd) => projectIn(folders(), cwd);
}
