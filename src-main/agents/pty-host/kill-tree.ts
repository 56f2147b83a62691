import { execFileSync } from 'node:child_process';

/** Every descendant pid of `pid` (Linux and macOS, through `ps`), deepest last. */
export function descendants(pid: number): number[] {
  let table: string;
  try {
    table = execFileSync('ps', ['-A', '-o', 'pid=,ppid='], { encoding: 'utf8' });
  } catch {
    return [];
  }
  const children = new Map<number, number[]>();
  for (const line of table.split('\n')) {
    const [child, parent] = line.trim().split(/\s+/).map(Number);
    if (!child || parent === undefined) continue;
    const list = children.get(parent) ?? [];
    list.push(child);
    children.set(parent, list);
  }
  const out: number[] = [];
  const walk = (p: number): void => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // Already gone.
  }
}

/**
 * Signals a process tree: the pty's process group (the child leads its own session) and every
 * descendant found, including ones that made their own process group.
 */
export function signalTree(pid: number, sig: NodeJS.Signals): void {
  if (process.platform === 'win32') {
    try {
      execFileSync('taskkill', ['/pid', String(pid), '/T', '/F']);
    } catch {
      // Already gone.
    }
    return;
  }
  const tree = descendants(pid);
  signal(-pid, sig);
  signal(pid, sig);
  for (const child of tree) signal(child, sig);
}
