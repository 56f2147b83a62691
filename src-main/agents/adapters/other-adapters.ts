import type { AgentAdapter, LaunchContext, LaunchPlan } from './agent-adapter';

function plan(args: string[], typedPrompt: string | null = null): LaunchPlan {
  return { args, env: {}, agentSessionId: null, transcriptPath: null, typedPrompt };
}

/**
 * Aider: `--model`; it takes no interactive first prompt as an argument, so the prompt is typed.
 * It has no hook API: its y/n confirmations are read off the screen and answered by typing.
 */
export const aiderAdapter: AgentAdapter = {
  kind: 'aider',
  screenPrompts: [
    { pattern: /Run shell commands?\?.*\(Y\)es\/\(N\)o.*:\s*$/, toolName: 'Bash', keys: { allow: 'y\r', deny: 'n\r' } },
    { pattern: /(Create new file|Allow edits to file|Edit the files)\?.*\(Y\)es\/\(N\)o.*:\s*$/, toolName: 'Edit', keys: { allow: 'y\r', deny: 'n\r' } },
  ],
  installHint: 'python -m pip install aider-install && aider-install',
  plan({ profile, prompt }: LaunchContext) {
    const args = [...profile.args];
    if (profile.model) args.push('--model', profile.model);
    return plan(args, prompt);
  },
};

/** Any command (a shell by default); a prompt is typed in as a line. */
export const shellAdapter: AgentAdapter = {
  kind: 'shell',
  installHint: 'check the command name or give its absolute path in the profile',
  plan({ profile, prompt }: LaunchContext) {
    return plan([...profile.args], prompt);
  },
};
