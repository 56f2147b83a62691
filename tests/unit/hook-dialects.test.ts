import { describe, expect, it } from 'vitest';
import { codexDialect, dialectFor, geminiDialect } from '../../src-main/approvals/hook-dialects';

const allow = { decision: 'allow' as const, reason: 'rule' };
const deny = { decision: 'deny' as const, reason: 'Not that one' };
const ask = { decision: 'ask' as const, reason: 'Pitwall is not connected' };

describe('hook dialects', () => {
  it('know every CLI Pitwall gates by name, and nothing else', () => {
    expect(dialectFor('codex')).toBe(codexDialect);
    expect(dialectFor('gemini')).toBe(geminiDialect);
    expect(dialectFor('toString')).toBeNull();
  });

  it("read Codex's PreToolUse and PermissionRequest as calls that wait for a verdict", () => {
    const pre = codexDialect.parse({ hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'ls' }, tool_use_id: 'call_1' });
    expect(pre).toMatchObject({ event: 'pre-tool', toolName: 'Bash', toolInput: { command: 'ls' }, toolUseId: 'call_1' });
    expect(codexDialect.parse({ hook_event_name: 'PermissionRequest', tool_name: 'Bash', tool_input: { command: 'ls' } })).toMatchObject({ event: 'pre-tool', toolUseId: null });
    expect(codexDialect.parse({ hook_event_name: 'PostToolUse', tool_name: 'Bash', tool_input: {}, tool_response: 'ok' })).toMatchObject({ event: 'post-tool', toolResponse: 'ok' });
    expect(codexDialect.parse('nope')).toBeNull();
  });

  it('answer Codex so that only an allow lets a call go on: PreToolUse cannot ask, so "ask" denies it', () => {
    const pre = codexDialect.parse({ hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: {} })!;
    expect(codexDialect.answer(pre, allow)).toEqual({});
    expect(codexDialect.answer(pre, deny)).toEqual({ hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: 'Not that one' } });
    expect(codexDialect.answer(pre, ask)).toMatchObject({ hookSpecificOutput: { permissionDecision: 'deny' } });
    const request = codexDialect.parse({ hook_event_name: 'PermissionRequest', tool_name: 'Bash', tool_input: {} })!;
    expect(codexDialect.answer(request, allow)).toEqual({ hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: { behavior: 'allow' } } });
    expect(codexDialect.answer(request, deny)).toEqual({ hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: { behavior: 'deny', message: 'Not that one' } } });
    // Saying nothing leaves the decision to Codex's own prompt.
    expect(codexDialect.answer(request, ask)).toEqual({});
  });

  it("read Gemini's tools under the names Pitwall's rules use", () => {
    expect(geminiDialect.parse({ hook_event_name: 'BeforeTool', tool_name: 'run_shell_command', tool_input: { command: 'rm -rf x', description: 'd' } })).toMatchObject({
      event: 'pre-tool',
      toolName: 'Bash',
      toolInput: { command: 'rm -rf x' },
    });
    expect(geminiDialect.parse({ hook_event_name: 'BeforeTool', tool_name: 'write_file', tool_input: { file_path: '/w/a.txt', content: 'x' } })).toMatchObject({ toolName: 'Write', toolInput: { file_path: '/w/a.txt' } });
    expect(geminiDialect.parse({ hook_event_name: 'BeforeTool', tool_name: 'replace', tool_input: { file_path: '/w/a.txt', old_string: 'a', new_string: 'b' } })).toMatchObject({ toolName: 'Edit' });
    expect(geminiDialect.parse({ hook_event_name: 'AfterTool', tool_name: 'read_file', tool_input: { file_path: '/w/a' }, tool_response: { llmContent: 'x' } })).toMatchObject({ event: 'post-tool', toolName: 'Read' });
    expect(geminiDialect.parse({ hook_event_name: 'BeforeTool', tool_name: 'mcp_x', tool_input: 'not an object' })).toMatchObject({ toolName: 'mcp_x', toolInput: {} });
    expect(geminiDialect.parse([])).toBeNull();
  });

  it('answer Gemini with its top-level decision; "ask" makes Gemini show its own confirmation', () => {
    const pre = geminiDialect.parse({ hook_event_name: 'BeforeTool', tool_name: 'run_shell_command', tool_input: {} })!;
    expect(geminiDialect.answer(pre, allow)).toMatchObject({ decision: 'allow' });
    expect(geminiDialect.answer(pre, deny)).toMatchObject({ decision: 'deny', reason: 'Not that one' });
    expect(geminiDialect.answer(pre, ask)).toMatchObject({ decision: 'ask' });
    expect(geminiDialect.answer(geminiDialect.parse({ hook_event_name: 'AfterAgent' })!, null)).toEqual({});
  });
});
