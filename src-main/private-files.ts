import fs from 'node:fs';
import path from 'node:path';

// What Pitwall keeps (the database, terminal output, tool output, logs) is for its user only: files
// 0600 in folders 0700. The process umask is left alone on purpose: agents inherit it, and the
// files they write for the user must keep the user's usual modes. So every file here is created
// with an explicit mode instead, and folders are checked rather than trusted.

/** Mode of Pitwall's own files. */
export const PRIVATE_FILE_MODE = 0o600;
/** Mode of Pitwall's own folders. */
export const PRIVATE_DIR_MODE = 0o700;

const posix = process.platform !== 'win32';
const myUid = (): number | null => (posix && typeof process.getuid === 'function' ? process.getuid() : null);

/** Thrown when a folder or socket Pitwall would trust belongs to someone else or is not what it should be. */
export class NotPrivateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotPrivateError';
  }
}

/**
 * Checks that `dir` is a real folder (not a symlink) owned by this user and closed to everyone
 * else. A folder of ours that is merely too open is tightened; one owned by someone else is refused.
 */
export function verifyPrivateDir(dir: string, what = 'folder', options: { followSymlink?: boolean } = {}): void {
  if (!posix) return;
  const stat = options.followSymlink ? fs.statSync(dir) : fs.lstatSync(dir);
  if (stat.isSymbolicLink()) throw new NotPrivateError(`The ${what} ${dir} is a symbolic link; Pitwall refuses to use it (remove it and try again)`);
  if (!stat.isDirectory()) throw new NotPrivateError(`The ${what} ${dir} is not a folder; Pitwall refuses to use it (remove it and try again)`);
  const uid = myUid();
  if (uid !== null && stat.uid !== uid) {
    throw new NotPrivateError(`The ${what} ${dir} belongs to another user (uid ${stat.uid}, you are ${uid}); Pitwall refuses to use it. Remove it, or set XDG_RUNTIME_DIR to a private folder`);
  }
  if ((stat.mode & 0o077) !== 0) fs.chmodSync(dir, PRIVATE_DIR_MODE);
}

/** Creates `dir` (and missing parents) and makes sure the folder itself is private. */
export function ensurePrivateDir(dir: string, what = 'folder', options: { followSymlink?: boolean } = {}): void {
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  verifyPrivateDir(dir, what, options);
}

/** Opens (creating 0600 if needed) a file of Pitwall's own; an existing file is tightened to 0600. */
export function openPrivateFile(file: string, flags: 'a' | 'w' = 'a'): number {
  const fd = fs.openSync(file, flags, PRIVATE_FILE_MODE);
  if (posix) fs.fchmodSync(fd, PRIVATE_FILE_MODE);
  return fd;
}

/** Writes a whole file of Pitwall's own, 0600. */
export function writePrivateFile(file: string, data: string | Buffer): void {
  const fd = openPrivateFile(file, 'w');
  try {
    fs.writeFileSync(fd, data);
  } finally {
    fs.closeSync(fd);
  }
}

/** The folders of the data dir that hold only Pitwall's own files (worktrees hold the user's and are left alone). */
export const PRIVATE_SUBDIRS = ['scrollback', 'logs', 'tool-output', 'verification', 'run'] as const;

/**
 * Makes the data dir private and tightens what an older install left readable: the folder 0700,
 * the database files and everything in Pitwall's own subfolders 0600. Sockets and the user's
 * worktrees are not touched.
 */
export function tightenDataDir(dataDir: string): void {
  // The user may have linked the data folder elsewhere on purpose; where it points must be theirs.
  ensurePrivateDir(dataDir, 'data folder', { followSymlink: true });
  if (!posix) return;
  for (const name of PRIVATE_SUBDIRS) {
    const dir = path.join(dataDir, name);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    try {
      verifyPrivateDir(dir);
    } catch (error) {
      // Not ours: left alone (and refused where it is used, e.g. the host socket's folder).
      console.error(`[files] ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    for (const entry of entries) {
      if (entry.isFile()) tighten(path.join(dir, entry.name), PRIVATE_FILE_MODE);
      else if (entry.isDirectory()) tighten(path.join(dir, entry.name), PRIVATE_DIR_MODE);
    }
  }
}

function tighten(file: string, mode: number): void {
  try {
    const stat = fs.lstatSync(file);
    if (!stat.isSymbolicLink() && (stat.mode & 0o777) !== mode) fs.chmodSync(file, mode);
  } catch {
    // Gone meanwhile.
  }
}
