import path from 'node:path';
import type { PtyHostLaunch } from '../../src-main/agents/pty-host-client';

const ROOT = path.resolve(__dirname, '../..');

/** Runs the pty host from source (through tsx) as its own process, as the built app runs out/main/pty-host.js. */
export function ptyHostLaunchFromSource(socketPath: string, scrollbackDir: string): PtyHostLaunch {
  return {
    command: process.execPath,
    args: ['--import', 'tsx', path.join(ROOT, 'src-main/agents/pty-host/main.ts'), '--socket', socketPath, '--scrollback-dir', scrollbackDir],
    env: { PITWALL_PTY_HOST_IDLE_MS: '5000' },
  };
}
