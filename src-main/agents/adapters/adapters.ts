import type { AgentKind } from '../../../src-common/domain/agent';
import type { AgentAdapter } from './agent-adapter';
import { claudeCodeAdapter } from './claude-code-adapter';
import { codexAdapter } from './codex-adapter';
import { geminiAdapter } from './gemini-adapter';
import { aiderAdapter, shellAdapter } from './other-adapters';

const ADAPTERS: Record<AgentKind, AgentAdapter> = {
  'claude-code': claudeCodeAdapter,
  codex: codexAdapter,
  gemini: geminiAdapter,
  aider: aiderAdapter,
  shell: shellAdapter,
};

/** The adapter for an agent kind. */
export function adapterFor(kind: AgentKind): AgentAdapter {
  return ADAPTERS[kind];
}
