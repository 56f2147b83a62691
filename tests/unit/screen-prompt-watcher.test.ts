import { describe, expect, it } from 'vitest';
import { aiderAdapter } from '../../src-main/agents/adapters/other-adapters';
import { ScreenPromptWatcher, plainText } from '../../src-main/agents/screen-prompt-watcher';

describe('screen prompt watcher', () => {
  it('strips terminal escapes', () => {
    expect(plainText('\x1b[1;32mgreen\x1b[0m\r\nnext\x1b]0;title\x07')).toBe('green\nnext');
  });

  it("finds Aider's prompt across chunks and colors, once, with the command above it", () => {
    const watcher = new ScreenPromptWatcher(aiderAdapter.screenPrompts!);
    expect(watcher.feed('\x1b[36mnpm test\x1b[0m\r\n')).toBeNull();
    expect(watcher.feed('Run shell command? (Y)es/(N)o')).toBeNull();
    const match = watcher.feed("/(D)on't ask again [Yes]: ");
    expect(match).toMatchObject({ line: "Run shell command? (Y)es/(N)o/(D)on't ask again [Yes]:", context: 'npm test', prompt: { toolName: 'Bash' } });
    // The same prompt is not reported twice.
    expect(watcher.feed(' ')).toBeNull();
  });

  it('ignores prompts that are not on the last line, and edits map to Edit', () => {
    const watcher = new ScreenPromptWatcher(aiderAdapter.screenPrompts!);
    expect(watcher.feed("Run shell command? (Y)es/(N)o [Yes]: y\r\nok, running\r\n")).toBeNull();
    expect(watcher.feed("src/app.py\r\nAllow edits to file? (Y)es/(N)o [Yes]: ")?.prompt.toolName).toBe('Edit');
  });
});
