import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../src-common/result';

/**
 * The PATH of the user's login shell. A GUI app started from a desktop does not inherit it, so
 * agents installed through nvm, Homebrew or ~/.local/bin would not be found without it. Asked
 * once, with a timeout; falls back to this process's PATH.
 */
export class LoginShellPath {
  private value: Promise<string> | null = null;

  constructor(
    private readonly shell = process.env.SHELL,
    private readonly fallback = process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    private readonly timeoutMs = 3000,
  ) {}

  get(): Promise<string> {
    this.value ??= this.read();
    return this.value;
  }

  private read(): Promise<string> {
    if (!this.shell || process.platform === 'win32') return Promise.resolve(this.fallback);
    return new Promise((resolve) => {
      execFile(this.shell!, ['-lic', 'printf "\\n__PITWALL_PATH__%s__END__\\n" "$PATH"'], { timeout: this.timeoutMs, encoding: 'utf8' }, (_error, stdout) => {
        const match = /__PITWALL_PATH__(.*)__END__/.exec(stdout ?? '');
        const login = match?.[1];
        // Login PATH first, then anything this process had that it lacks.
        const merged = [...new Set([...(login ? login.split(path.delimiter) : []), ...this.fallback.split(path.delimiter)])].filter(Boolean);
        resolve(merged.join(path.delimiter));
      });
    });
  }
}

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
