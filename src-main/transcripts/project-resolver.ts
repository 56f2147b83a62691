import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import type { ProjectResolver } from './transcript-store';

/** Maps a working directory to the registered project whose folder holds it (the deepest one wins). */
export function projectResolverFor(sqlite: BetterSqlite3.Database): ProjectResolver {
  const list = sqlite.prepare(`SELECT id, path FROM projects WHERE deleted_at IS NULL`);
  const worktrees = sqlite.prepare(`SELECT project_id AS id, path FROM worktrees WHERE deleted_at IS NULL`);
  return (cwd) => {
    const candidates = [...(list.all() as { id: string; path: string }[]), ...(worktrees.all() as { id: string; path: string }[])];
    let best: { id: string; length: number } | null = null;
    for (const p of candidates) {
      const inside = cwd === p.path || cwd.startsWith(p.path.endsWith(path.sep) ? p.path : p.path + path.sep);
      if (inside && (!best || p.path.length > best.length)) best = { id: p.id, length: p.path.length };
    }
    return best?.id ?? null;
  };
}
