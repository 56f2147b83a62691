import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../src-common/result';

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The absolute path of `command` (absolute already, or found on `searchPath`); a clear error otherwise. */
export function resolveCommand(command: string, searchPath: string, installHint: string): string {
  if (path.isAbsolute(command)) {
    if (isExecutable(command)) return command;
    throw new AppError('not_found', `${command} does not exist or is not executable. Install it (${installHint}) or fix the path in the profile.`);
  }
  if (command.includes('/')) throw new AppError('invalid_request', `Give "${command}" as a command name or an absolute path`);
  const exts = process.platform === 'win32' ? ['.exe', '.cmd', '.bat', ''] : [''];
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const candidate = path.join(dir, command + ext);
      if (isExecutable(candidate)) return candidate;
    }
  }
  throw new AppError('not_found', `"${command}" was not found on your PATH. Install it with: ${installHint} — or set its absolute path in the agent profile.`);
}
