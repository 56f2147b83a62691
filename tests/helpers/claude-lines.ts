import fs from 'node:fs';
import path from 'node:path';

/** One exchange of a generated Claude Code session. */
export interface ClaudeTurn {
  prompt: string;
  answer: string;
  tool?: { name: string; input: Record<string, unknown>; output: string };
  model?: string;
  usage?: { input: number; output: number; cacheRead: number; cacheWrite: number };
}

/**
 * Writes a Claude Code transcript as the CLI lays it out (`<projects>/<encoded cwd>/<id>.jsonl`):
 * per turn a prompt, a response with usage (and a tool call), and the tool's result. Times start
 * at `start` (ms), a minute per turn. Answers the file.
 */
export function writeClaudeSession(projectsDir: string, id: string, cwd: string, start: number, turns: ClaudeTurn[]): string {
  const lines: unknown[] = [];
  turns.forEach((turn, i) => {
    const at = (s: number) => new Date(start + i * 60_000 + s * 1000).toISOString();
    const base = { sessionId: id, cwd, version: '2.0.0', isSidechain: false, userType: 'external' };
    lines.push({ ...base, type: 'user', uuid: `${id}-u${i}`, timestamp: at(0), message: { role: 'user', content: turn.prompt } });
    const content: unknown[] = [{ type: 'text', text: turn.answer }];
    if (turn.tool) content.push({ type: 'tool_use', id: `toolu_${id.replace(/-/g, '')}_${i}`, name: turn.tool.name, input: turn.tool.input });
    const u = turn.usage ?? { input: 1000, output: 100, cacheRead: 10_000, cacheWrite: 500 };
    lines.push({
      ...base,
      type: 'assistant',
      uuid: `${id}-a${i}`,
      timestamp: at(1),
      requestId: `req_${id.replace(/-/g, '')}_${i}`,
      message: { id: `msg_${id.replace(/-/g, '')}_${i}`, role: 'assistant', model: turn.model ?? 'claude-sonnet-4-5-20250929', content, usage: { input_tokens: u.input, output_tokens: u.output, cache_read_input_tokens: u.cacheRead, cache_creation_input_tokens: u.cacheWrite } },
    });
    if (turn.tool) {
      lines.push({ ...base, type: 'user', uuid: `${id}-r${i}`, timestamp: at(2), message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: `toolu_${id.replace(/-/g, '')}_${i}`, content: turn.tool.output }] } });
    }
  });
  const file = path.join(projectsDir, cwd.replace(/[^a-zA-Z0-9]/g, '-'), `${id}.jsonl`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  return file;
}
