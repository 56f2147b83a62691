import type { ToolCallContext } from './rule-evaluator';

/** What the change of a Write/Edit would be, as text for the approval card. */
export function previewOf(toolName: string, input: Record<string, unknown>): string | null {
  const file = typeof input.file_path === 'string' ? input.file_path : null;
  if (toolName === 'Write' && typeof input.content === 'string') return `${file ?? ''}\n${input.content}`.slice(0, 20_000);
  if (toolName === 'Edit' && typeof input.old_string === 'string' && typeof input.new_string === 'string') {
    const minus = input.old_string.split('\n').map((l) => `- ${l}`);
    const plus = input.new_string.split('\n').map((l) => `+ ${l}`);
    return [file ?? '', ...minus, ...plus].join('\n').slice(0, 20_000);
  }
  if (toolName === 'Bash' && typeof input.command === 'string') return `$ ${input.command}`;
  return null;
}

/** One line naming a call, for the notification that it waits. */
export function summarize(call: ToolCallContext): string {
  if (typeof call.input.command === 'string') return `${call.toolName}: ${call.input.command}`.slice(0, 200);
  if (typeof call.input.file_path === 'string') return `${call.toolName}: ${call.input.file_path}`.slice(0, 200);
  return call.toolName;
}

/** A stored JSON column read back; text that is not JSON comes back as the text. */
export function parseStored(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
