// Ties a launcher's children to it: when a launcher ends, however it ends (Ctrl-C, SIGTERM, even
// SIGKILL), what it started ends too, so no headless shell is left serving behind a dead `npm start`.
import { spawn } from 'node:child_process';

/**
 * Spawns a child with an IPC channel (the child sees `disconnect` when this process dies, even
 * by SIGKILL, because the OS closes the channel), forwards SIGINT/SIGTERM to it, and exits with
 * its exit code.
 */
export function spawnTied(command, args, options = {}) {
  const child = spawn(command, args, { stdio: ['inherit', 'inherit', 'inherit', 'ipc'], ...options });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  child.on('error', (error) => {
    console.error(`Could not start ${command}: ${error.message}`);
    process.exit(1);
  });
  return child;
}

/**
 * Calls `onGone` once when the process that started this one is gone: its IPC channel closed (a
 * parent using {@link spawnTied}), or, for a parent that gave no channel (npm itself), this
 * process was handed to another parent (the original one died) — checked once a second.
 */
export function onParentGone(onGone) {
  let fired = false;
  const fire = () => {
    if (fired) return;
    fired = true;
    clearInterval(timer);
    onGone();
  };
  if (typeof process.send === 'function') process.once('disconnect', fire);
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== parent || !isAlive(parent)) fire();
  }, 1000);
  timer.unref();
}

function isAlive(pid) {
  if (pid <= 1) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error?.code === 'EPERM';
  }
}
