import fs from 'node:fs';
import path from 'node:path';
import { ensurePrivateDir, writePrivateFile } from '../private-files';
import type { LaunchPlan } from './adapters/agent-adapter';

/** Writes the files and makes the links an adapter's plan asks for, all inside the session's private `configDir`. */
export function prepareConfig(configDir: string, plan: LaunchPlan): void {
  const files = Object.entries(plan.files ?? {});
  const links = Object.entries(plan.links ?? {});
  if (files.length === 0 && links.length === 0) return;
  const inside = (file: string) => {
    const relative = path.relative(configDir, file);
    if (relative.startsWith('..') || path.isAbsolute(relative)) throw new Error(`an agent's configuration file must be inside its own folder: ${file}`);
  };
  fs.mkdirSync(configDir, { recursive: true, mode: 0o700 });
  ensurePrivateDir(configDir);
  for (const [file, content] of files) {
    inside(file);
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writePrivateFile(file, content);
  }
  for (const [link, { target, folder }] of links) {
    inside(link);
    if (folder && !fs.existsSync(target)) fs.mkdirSync(target, { recursive: true, mode: 0o700 });
    fs.mkdirSync(path.dirname(link), { recursive: true, mode: 0o700 });
    const existing = fs.lstatSync(link, { throwIfNoEntry: false });
    // What the agent made there itself on an earlier run (a real file or folder) stays.
    if (existing && !existing.isSymbolicLink()) continue;
    if (existing) fs.unlinkSync(link);
    if (fs.existsSync(target)) fs.symlinkSync(target, link);
  }
}
