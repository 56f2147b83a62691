import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/** Whether a process still runs: `gone` once it no longer exists, `zombie` once it died and only waits to be reaped. */
export function processState(pid: number): 'alive' | 'zombie' | 'gone' {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else, which a pid reused by another user would be.
    return (error as NodeJS.ErrnoException).code === 'ESRCH' ? 'gone' : 'alive';
  }
  if (process.platform === 'win32') return 'alive';
  let stat = '';
  try {
    // `ps` reads the state the same way on Linux and macOS (no /proc on macOS).
    stat = execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).trim();
  } catch {
    return 'gone';
  }
  if (stat === '') return 'gone';
  return stat.startsWith('Z') ? 'zombie' : 'alive';
}

/** Resolves once every pid is gone or a zombie (killed, waiting to be reaped); fails naming the survivors. */
export async function waitUntilGone(pids: number[], timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const alive = pids.filter((pid) => processState(pid) === 'alive');
    if (alive.length === 0) return;
    if (Date.now() > end) {
      let listing = '';
      try {
        listing = execFileSync('ps', ['-o', 'pid,stat,command', '-p', alive.join(',')], { encoding: 'utf8' });
      } catch {
        // Gone between the check and the listing.
      }
      throw new Error(`still running after ${timeoutMs} ms: ${alive.join(', ')}\n${listing}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Live processes whose environment carries PITWALL_SESSION_ID=<id>, with their command lines (Linux: read from /proc). */
export function processesOf(sessionId: string): { pid: number; args: string }[] {
  const found: { pid: number; args: string }[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const env = fs.readFileSync(`/proc/${entry}/environ`, 'utf8');
      if (!env.split('\0').includes(`PITWALL_SESSION_ID=${sessionId}`)) continue;
      if (/\) Z /.test(fs.readFileSync(`/proc/${entry}/stat`, 'utf8'))) continue;
      found.push({ pid: Number(entry), args: fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').trim() });
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}
