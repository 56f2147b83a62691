import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

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

/**
 * Processes whose environment carries `tag` (`NAME=value`), read from /proc (Linux only; elsewhere
 * none). Finds what left the tree: a child whose parent exited, a double-forked daemon.
 */
export function taggedProcesses(tag: string): number[] {
  if (process.platform !== 'linux') return [];
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0').includes(tag)) out.push(Number(entry));
    } catch {
      // Gone meanwhile, or another user's.
    }
  }
  return out;
}

/** When a process started, so a pid the system has since reused is never signalled (null: gone or unknown). */
function startOf(pid: number): string | null {
  try {
    if (process.platform === 'linux') {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
      // Field 22 (starttime), counted after the command name, which may itself hold spaces.
      return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
    }
    return execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
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

/**
 * Ends a run's processes: SIGTERM now, SIGKILL after a grace period to whatever is left, whether or
 * not the leader is still running. The leader often exits on SIGTERM while a child that blocks or
 * ignores it lives on, orphaned and out of the leader's tree: so the processes seen at SIGTERM are
 * remembered (with their start times) and the run's tagged processes are looked for again at SIGKILL.
 */
export class RunKill {
  private readonly seen = new Map<number, string>();
  private timer: NodeJS.Timeout | null = null;

  /** `tag` is the `NAME=value` every process of the run carries in its environment, when there is one; `onFinished` runs after the SIGKILL. */
  constructor(
    private readonly leader: number,
    private readonly tag: string | null,
    private readonly onFinished: () => void = () => undefined,
  ) {}

  /** SIGTERM to the run now; SIGKILL to what is left after `graceMs` (a second call keeps the first deadline). */
  start(graceMs: number): void {
    if (process.platform === 'win32') {
      signalTree(this.leader, 'SIGKILL');
      this.onFinished();
      return;
    }
    this.send('SIGTERM');
    this.timer ??= setTimeout(() => this.finish(), graceMs);
  }

  /** SIGKILL to everything of the run still alive, now. */
  finish(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (process.platform !== 'win32') this.send('SIGKILL');
    this.onFinished();
  }

  /** Signals the leader's process group (the leader heads its own session) and every process of the run. */
  private send(sig: NodeJS.Signals): void {
    if (this.remember()) signal(-this.leader, sig);
    for (const [pid, started] of this.seen) if (startOf(pid) === started) signal(pid, sig);
  }

  /** Adds the leader's tree (while the leader is the same process) and the run's tagged processes; says whether the leader lives. */
  private remember(): boolean {
    const known = this.seen.get(this.leader);
    const leaderLives = known === undefined ? startOf(this.leader) !== null : startOf(this.leader) === known;
    const found = [...(leaderLives ? [this.leader, ...descendants(this.leader)] : []), ...(this.tag ? taggedProcesses(this.tag) : [])];
    for (const pid of found) {
      if (this.seen.has(pid)) continue;
      const started = startOf(pid);
      if (started !== null) this.seen.set(pid, started);
    }
    return leaderLives;
  }
}
