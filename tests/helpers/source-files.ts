import fs from 'node:fs';
import path from 'node:path';

/** The TypeScript files (`.ts`, `.tsx`) under `dir`, at any depth: what the source checks read. */
export function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) ? [full] : [];
  });
}
