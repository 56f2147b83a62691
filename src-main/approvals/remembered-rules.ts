import { parseCommandLine } from './shell-parser';
import { literalCommand } from './shell-quote';
import { literalPathPattern } from './path-pattern';
import { isInside, realPath, resolveToolPath } from './path-resolution';
import { toolPaths } from './tool-input';

/** What an "always" decision would remember: rule patterns (null: any input of the tool), or why it cannot. */
export type RememberPlan = { ok: true; patterns: (string | null)[] } | { ok: false; reason: string };

/** A resolved path as a literal pattern: relative to the session folder when inside it, absolute otherwise. */
function pathPattern(resolved: string, cwd: string | null): string {
  const folder = cwd ? realPath(cwd) : null;
  if (folder && resolved !== folder && isInside(folder, resolved)) return literalPathPattern(resolved.slice(folder === '/' ? 1 : folder.length + 1));
  return literalPathPattern(resolved);
}

/**
 * The rules an "always allow" (or "always deny") of this call creates, each matching only what
 * was decided. A command line gives one literal rule per simple command when allowed (so
 * `cd x && npm test` is covered again next time, and `rm -f *.log` never covers another file),
 * and one literal rule for the whole line when denied. A line that runs commands its text does
 * not show cannot be remembered as allowed. A file becomes its resolved path, escaped; a
 * WebFetch its site; other tools the whole tool.
 */
export function rememberPlan(toolName: string, input: Record<string, unknown>, cwd: string | null, decision: 'allow' | 'deny'): RememberPlan {
  if (toolName === 'Bash' && typeof input.command === 'string') {
    const line = parseCommandLine(input.command);
    const commands = line.commands.filter((c) => c.depth === 0);
    if (commands.length === 0) return { ok: false, reason: 'The command is empty' };
    if (decision === 'deny') return { ok: true, patterns: [commands.map((c, i) => `${literalCommand(c)}${i < commands.length - 1 ? ` ${c.next === '\n' ? ';' : c.next} ` : ''}`).join('')] };
    if (line.opaque.length > 0) return { ok: false, reason: `It runs something its text does not show (${line.opaque[0]}), so it can only be allowed once` };
    return { ok: true, patterns: [...new Set(commands.map(literalCommand))] };
  }
  const paths = toolPaths(toolName, input, cwd);
  if (paths) {
    const resolved = paths.map((p) => resolveToolPath(p, cwd));
    if (resolved.some((p) => p === null)) return { ok: false, reason: 'Its path cannot be resolved' };
    return { ok: true, patterns: [...new Set(resolved.map((p) => pathPattern(p!, cwd)))] };
  }
  if (toolName === 'WebFetch' && typeof input.url === 'string') {
    try {
      const url = new URL(input.url);
      if (url.origin !== 'null') return { ok: true, patterns: [`${literalPathPattern(url.origin)}/*`] };
    } catch {
      return { ok: false, reason: 'Its URL cannot be read' };
    }
  }
  return { ok: true, patterns: [null] };
}
