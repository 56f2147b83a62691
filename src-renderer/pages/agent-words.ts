import type { AgentKind, PermissionMode, PromptMode } from '../../src-common/domain/agent';

/** What each kind is called in the UI. */
export const KIND_LABELS: Record<AgentKind, string> = {
  'claude-code': 'Claude Code',
  codex: 'Codex CLI',
  gemini: 'Gemini CLI',
  aider: 'Aider',
  shell: 'Any command',
};

/** Each prompt mode in a few words, and what it means. */
export const PROMPT_MODE_WORDS: Record<PromptMode, { label: string; short: string; hint: (kind: AgentKind) => string }> = {
  argument: {
    label: 'As an argument',
    short: 'argument',
    hint: (kind) =>
      kind === 'claude-code' ? 'claude "<prompt>": the session starts with it' : kind === 'codex' ? 'codex "<prompt>"' : kind === 'gemini' ? 'gemini -i "<prompt>": runs it and stays interactive' : 'Added as the last argument of the command',
  },
  stdin: { label: 'On standard input', short: 'stdin', hint: () => 'Piped to the command, which reads it to the end (llm, ollama run, a script); its output stays in the terminal' },
  typed: { label: 'Typed into the terminal', short: 'typed', hint: () => 'Typed in, then Enter, once the agent is up' },
  none: { label: 'Not at all', short: 'none', hint: () => 'The session starts without it (a shell); tasks still name the session' },
};

/** The permission modes in words. */
export const PERMISSION_MODE_WORDS: Record<PermissionMode, string> = {
  supervised: 'Supervised: asks unless a rule allows',
  plan: 'Plan: reads only, refuses the rest',
  auto: 'Auto: runs unless a rule denies or asks',
};
