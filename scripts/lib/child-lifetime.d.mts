import type { ChildProcess, SpawnOptions } from 'node:child_process';
/** Spawns a child tied to this process (IPC channel, forwarded signals, same exit code). */
export function spawnTied(command: string, args: string[], options?: SpawnOptions): ChildProcess;
/** Calls `onGone` once when the process that started this one is gone. */
export function onParentGone(onGone: () => void): void;
