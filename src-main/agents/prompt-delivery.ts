import type { AgentKind, PromptMode } from '../../src-common/domain/agent';
import { AppError } from '../../src-common/result';

/** How one run's first prompt reaches the agent, as {@link deliverPrompt} decides it. */
export interface PromptDelivery {
  /** Given to the adapter, which puts it on the command line the agent's way (`claude "…"`, `gemini -i "…"`). */
  adapterPrompt: string | null;
  /** Appended to the command line: any command that takes the prompt as its last argument. */
  extraArgs: string[];
  /** Typed into the terminal, followed by Enter, once the agent is up. */
  typed: string | null;
  /** Piped to the command's standard input (see {@link withStdin}). */
  stdin: string | null;
}

/** Splits a prompt by the profile's prompt mode; no prompt, or mode `none`, delivers nothing. */
export function deliverPrompt(kind: AgentKind, mode: PromptMode, prompt: string | null): PromptDelivery {
  const none: PromptDelivery = { adapterPrompt: null, extraArgs: [], typed: null, stdin: null };
  if (!prompt || mode === 'none') return none;
  if (mode === 'typed') return { ...none, typed: prompt };
  if (mode === 'stdin') return { ...none, stdin: prompt };
  // A known agent gets it its own way (each adapter puts it after `--` or in an option's value).
  if (kind !== 'shell') return { ...none, adapterPrompt: prompt };
  // Any command takes it as its last argument. Whether it honours `--` cannot be known (`sh -c`
  // does not), so text that would read as an option is refused rather than passed.
  if (prompt.startsWith('-')) {
    throw new AppError('invalid_request', 'The prompt starts with "-", which this command would read as an option: change the profile to pass the prompt on standard input or type it into the terminal');
  }
  return { ...none, extraArgs: [prompt] };
}

/** The variable that carries a stdin prompt to the wrapper below, which unsets it before the command runs. */
const PROMPT_VARIABLE = 'PITWALL_STDIN_PROMPT';

/**
 * Runs `file args` with `prompt` on its standard input and the terminal as its output: through
 * `/bin/sh`, which pipes the prompt in and `exec`s the command, so the command's exit code is the
 * session's. The prompt travels in the environment, never in argv (which every user can read).
 */
export function withStdin(file: string, args: string[], env: Record<string, string>, prompt: string): { file: string; args: string[]; env: Record<string, string> } {
  if (process.platform === 'win32') throw new AppError('invalid_request', 'A prompt on standard input needs a POSIX shell; on Windows, have it typed into the terminal (edit the profile)');
  const script = `p=$${PROMPT_VARIABLE}; unset ${PROMPT_VARIABLE}; printf '%s\\n' "$p" | exec "$0" "$@"`;
  return { file: '/bin/sh', args: ['-c', script, file, ...args], env: { ...env, [PROMPT_VARIABLE]: prompt } };
}
