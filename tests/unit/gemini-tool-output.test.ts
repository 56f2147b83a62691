import { describe, expect, it } from 'vitest';
import { geminiToolOutput } from '../../src-main/transcripts/parsers/gemini';

const token = (text: string) => ({ text, bold: false, italic: false, underline: false, dim: false, inverse: false, fg: '', bg: '' });

describe("Gemini CLI's tool output, as shown in a timeline", () => {
  it("reads the shell tool's terminal screen as its lines of text, not as JSON", () => {
    const call = { resultDisplay: [[token('ok '), token('done')], [token('second line   ')], [token('')]], result: [] };
    expect(geminiToolOutput(call)).toBe('ok done\nsecond line');
  });

  it('falls back to the real result when what was shown is empty (a blank screen or an empty string)', () => {
    const result = [{ functionResponse: { id: 'c1', name: 'run_shell_command', response: { output: 'Output: hello' } } }];
    expect(geminiToolOutput({ resultDisplay: [[token(' ')]], result })).toBe('Output: hello');
    expect(geminiToolOutput({ resultDisplay: '', result })).toBe('Output: hello');
  });

  it("shows a file edit's diff", () => {
    expect(geminiToolOutput({ resultDisplay: { fileDiff: '--- a\n+++ b\n', fileName: 'a.txt' }, result: [] })).toBe('--- a\n+++ b\n');
  });
});
