import fs from 'node:fs';
import path from 'node:path';
import { ensurePrivateDir, openPrivateFile } from '../../private-files';

/**
 * A session's scrollback on disk, bounded: output is appended to `<id>.1.log`; when that passes
 * half the bound it becomes `<id>.0.log` (dropping the older one) and a new file starts. Replay
 * reads both, so at most `maxBytes` and at least half of it is kept.
 */
export class ScrollbackFile {
  private fd: number;
  private currentSize: number;
  private readonly older: string;
  private readonly current: string;

  constructor(
    dir: string,
    sessionId: string,
    private readonly maxBytes = 4 * 1024 * 1024,
  ) {
    ensurePrivateDir(dir);
    this.older = path.join(dir, `${sessionId}.0.log`);
    this.current = path.join(dir, `${sessionId}.1.log`);
    this.fd = openPrivateFile(this.current);
    this.currentSize = fs.fstatSync(this.fd).size;
  }

  /** Appends output; rotates first when the current file is full. */
  append(data: Buffer): void {
    if (this.currentSize + data.length > this.maxBytes / 2 && this.currentSize > 0) this.rotate();
    let written = 0;
    while (written < data.length) written += fs.writeSync(this.fd, data, written, data.length - written);
    this.currentSize += data.length;
  }

  /** The kept output, oldest first. */
  read(): Buffer {
    const parts: Buffer[] = [];
    for (const file of [this.older, this.current]) {
      try {
        parts.push(fs.readFileSync(file));
      } catch {
        // Not there yet (no rotation so far).
      }
    }
    return Buffer.concat(parts);
  }

  close(): void {
    try {
      fs.closeSync(this.fd);
    } catch {
      // Already closed.
    }
  }

  private rotate(): void {
    fs.closeSync(this.fd);
    fs.renameSync(this.current, this.older);
    this.fd = openPrivateFile(this.current);
    this.currentSize = 0;
  }
}

/** Reads a session's kept scrollback without opening it for writing (for sessions the host no longer holds). */
export function readScrollback(dir: string, sessionId: string): Buffer {
  const parts: Buffer[] = [];
  for (const name of [`${sessionId}.0.log`, `${sessionId}.1.log`]) {
    try {
      parts.push(fs.readFileSync(path.join(dir, name)));
    } catch {
      // Missing part.
    }
  }
  return Buffer.concat(parts);
}
