// Runs a devDependency's command through Node itself (`node <its bin script>`), never through a
// shell: no `.cmd` shims, so paths with spaces work on Windows too.
import fs from 'node:fs';
import path from 'node:path';

/** `[node, [script]]` for a package's bin: `tool(root, 'typescript', 'tsc')`. */
export function tool(root, pkg, binName = pkg) {
  const dir = path.join(root, 'node_modules', pkg);
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.[binName];
  if (!bin) throw new Error(`${pkg} has no command named ${binName}`);
  return [process.execPath, [path.join(dir, bin)]];
}
