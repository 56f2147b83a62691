/** A permission prompt an agent without a hook API draws on its screen, and how to answer it. */
export interface ScreenPrompt {
  /** Matched against the plain text of the screen's last lines. */
  pattern: RegExp;
  /** The tool the approval is filed under (rules match it like a hook call). */
  toolName: string;
  /** Keys typed into the terminal for each decision. */
  keys: { allow: string; deny: string };
}

/** What the watcher saw: the prompt, its line, and the line above it (usually the command). */
export interface ScreenPromptMatch {
  prompt: ScreenPrompt;
  line: string;
  context: string;
}

// eslint-disable-next-line no-control-regex -- terminal escape sequences are what this strips
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

/** Terminal output as plain text: escape sequences removed, carriage returns as line ends. */
export function plainText(data: string): string {
  return data.replace(ANSI, '').replace(/\r\n?/g, '\n');
}

/**
 * Watches a session's output for the agent's own permission prompts. Keeps a bounded tail of plain
 * text; a match is reported once, and the tail is cleared so the same prompt is not seen twice.
 */
export class ScreenPromptWatcher {
  private tail = '';

  constructor(
    private readonly prompts: readonly ScreenPrompt[],
    private readonly maxTail = 4096,
  ) {}

  feed(data: string): ScreenPromptMatch | null {
    this.tail = (this.tail + plainText(data)).slice(-this.maxTail);
    const lines = this.tail.split('\n').map((l) => l.trimEnd());
    while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    const last = lines[lines.length - 1] ?? '';
    for (const prompt of this.prompts) {
      if (!prompt.pattern.test(last)) continue;
      const context = [...lines.slice(0, -1)].reverse().find((l) => l.trim() !== '') ?? '';
      this.tail = '';
      return { prompt, line: last.trim(), context: context.trim() };
    }
    return null;
  }
}
