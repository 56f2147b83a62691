import { execFile } from 'node:child_process';
import fs from 'node:fs';

/** A version as numbers (`2.1.197` -> [2, 1, 197]). */
export type Version = readonly number[];

/** The first dotted version in a CLI's `--version` output, or null. */
export function parseVersion(text: string): Version | null {
  const match = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  if (!match) return null;
  return [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
}

/** True when `version` is at least `minimum`. */
export function atLeast(version: Version, minimum: Version): boolean {
  for (let i = 0; i < Math.max(version.length, minimum.length); i++) {
    const a = version[i] ?? 0;
    const b = minimum[i] ?? 0;
    if (a !== b) return a > b;
  }
  return true;
}

/**
 * Asks CLIs their version once per executable (keyed by path, size and change time, so an upgrade
 * in place is noticed) and remembers the answer. A CLI that does not answer within the time limit
 * has an unknown version (null), and callers pick what works with every version.
 */
export class CliVersions {
  private readonly known = new Map<string, Promise<Version | null>>();

  constructor(private readonly timeoutMs = 5_000) {}

  get(file: string, env: Record<string, string>): Promise<Version | null> {
    let key = file;
    try {
      const stat = fs.statSync(file);
      key = `${file}\0${stat.size}\0${stat.ctimeMs}`;
    } catch {
      // Unknown file: ask anyway; the answer is not kept past a failure.
    }
    let answer = this.known.get(key);
    if (!answer) {
      answer = new Promise((resolve) => {
        execFile(file, ['--version'], { env, timeout: this.timeoutMs, windowsHide: true }, (error, stdout) => resolve(error ? null : parseVersion(String(stdout))));
      });
      this.known.set(key, answer);
    }
    return answer;
  }
}
