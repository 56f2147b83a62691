import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';

/** Maps a working directory to a registered project (the deepest registered folder that contains it). */
export type ProjectResolver = (cwd: string) => string | null;

/** Lists the folders of the registered projects and of their worktrees, each with its project (read afresh on each call). */
export function folderLister(sqlite: BetterSqlite3.Database): () => { id: string; path: string }[] {
  const statement = sqlite.prepare(`SELECT id, path FROM projects WHERE deleted_at IS NULL UNION ALL SELECT project_id AS id, path FROM worktrees WHERE deleted_at IS NULL`);
  return () => statement.all() as { id: string; path: string }[];
}

/** Maps a working directory to the registered project whose folder holds it (the deepest one wins). */
export function projectResolverFor(sqlite: BetterSqlite3.Database): ProjectResolver {
  const folders = folderLister(sqlite);
  return (cwd) => {
    let best: { id: string; length: number } | null = null;
    for (const p of folders()) {
      const inside = cwd === p.path || cwd.startsWith(p.path.endsWith(path.sep) ? p.path : p.path + path.sep);
      if (inside && (!best || p.path.length > best.length)) best = { id: p.id, length: p.path.length };
    }
    return best?.id ?? null;
  };
}
