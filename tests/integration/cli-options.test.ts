import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { AgentProfile, Session } from '../../src-common/domain/agent';
import type { Project } from '../../src-common/domain/project';
import type { Task } from '../../src-common/domain/task';
import type { App } from '../../src-main/app';
import { worktreePathFor } from '../../src-main/worktrees/worktree-paths';
import { CLAUDE_BIN, seedClaudeHome } from '../helpers/claude-home';
import { makeRepo } from '../helpers/git-repo';
import { startScriptedModelApi, type ScriptedModelApi } from '../helpers/scripted-model-api';
import { startScriptedResponsesApi, type ScriptedResponsesApi } from '../helpers/scripted-responses-api';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';
import { makeTestApp } from '../helpers/test-app';
import { poller, value } from '../helpers/wait';

// User text never becomes a CLI option: a task titled like a flag reaches the real CLI as its
// prompt (checked where the CLI sends it: the scripted model API), first run and restart alike.

const until = poller({ timeoutMs: 45_000, intervalMs: 100 });
const CODEX_BIN = path.resolve(__dirname, '../../node_modules/.bin/codex');

let app: App | null = null;
let claudeApi: ScriptedModelApi | null = null;
let codexApi: ScriptedResponsesApi | null = null;
afterEach(async () => {
  await app?.sessions.shutdownAgents().catch(() => undefined);
  await app?.dispose();
  await claudeApi?.close();
  await codexApi?.close();
  app = null;
  claudeApi = null;
  codexApi = null;
});
afterAll(removeTempDirs);

/** The user texts of the agent's main-loop requests. */
function userTexts(api: ScriptedModelApi): string[] {
  const texts: string[] = [];
  for (const request of api.requests.filter((r) => Array.isArray(r.tools) && r.tools.length > 0)) {
    for (const message of request.messages ?? []) {
      if (message.role !== 'user') continue;
      const blocks = typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : (message.content as { type: string; text?: string }[]);
      for (const block of blocks) if (block.type === 'text' && block.text) texts.push(block.text);
    }
  }
  return texts;
}

describe('user text never becomes a CLI option', () => {
  it('gives Claude Code a task titled --permission-mode=bypassPermissions as its prompt, and a restart’s feedback too', async () => {
    claudeApi = await startScriptedModelApi([{ text: 'FIRST-ANSWER' }, { text: 'SECOND-ANSWER' }]);
    const home = tempDir('pitwall-claude-home-');
    app = makeTestApp(tempDir('pitwall-data-'), { ...process.env, HOME: home });
    await app.ready;
    const project = value<Project>(await app.router.dispatch('projects:add', { path: makeRepo('options-repo') }));
    const title = '--permission-mode=bypassPermissions';
    const profile = value<AgentProfile>(await app.router.dispatch('profiles:create', { name: 'Claude (scripted)', kind: 'claude-code', command: CLAUDE_BIN, env: {} }));
    const task = value<Task>(await app.router.dispatch('tasks:create', { projectId: project.id, title, profileId: profile.id }));
    const worktree = worktreePathFor(project.resolvedWorktreeRoot, `task/permission-mode-bypasspermissions-${task.id.slice(-6)}`);
    const env = seedClaudeHome(home, claudeApi.url, [worktree]);
    value(await app.router.dispatch('profiles:update', { id: profile.id, name: 'Claude (scripted)', kind: 'claude-code', command: CLAUDE_BIN, env }));
    let screen = '';
    app.events.on('sessions:output', (p) => (screen += p.data));

    const started = value<Task>(await app.router.dispatch('tasks:start', { id: task.id }));
    await until(() => screen.includes('FIRST-ANSWER'), 'the first answer');
    expect(userTexts(claudeApi)).toContain(title);

    const feedback = '--dangerously-skip-permissions';
    await app.sessions.restart(started.sessionId!, feedback);
    await until(() => userTexts(claudeApi!).includes(feedback), 'the feedback as the resumed session’s prompt', 45_000, () => screen.slice(-2000));
    expect(value<Session>(await app.router.dispatch('sessions:get', { sessionId: started.sessionId! })).status).toBe('running');
  });

  it('gives Codex a prompt that looks like its most dangerous flag as the prompt', async () => {
    codexApi = await startScriptedResponsesApi([{ text: 'CODEX-ANSWERED' }]);
    const home = tempDir('pitwall-codex-home-');
    const codexHome = path.join(home, '.codex');
    fs.mkdirSync(path.join(codexHome, 'sessions'), { recursive: true });
    const repo = makeRepo('options-codex');
    fs.writeFileSync(path.join(codexHome, 'config.toml'), `[projects."${repo}"]\ntrust_level = "trusted"\n`);
    const env = { HOME: home, CODEX_HOME: codexHome, MOCK_KEY: 'scripted', TERM: 'xterm-256color' };
    app = makeTestApp(tempDir('pitwall-data-'), { ...process.env, ...env });
    await app.ready;
    const project = value<Project>(await app.router.dispatch('projects:add', { path: repo }));
    const profile = value<AgentProfile>(
      await app.router.dispatch('profiles:create', {
        name: 'Codex (scripted)',
        kind: 'codex',
        command: CODEX_BIN,
        args: ['-c', 'model_provider=mock', '-c', `model_providers.mock={name="mock",base_url="${codexApi.url}",wire_api="responses",env_key="MOCK_KEY"}`],
        env,
        model: 'gpt-5-codex',
      }),
    );
    const prompt = '--dangerously-bypass-approvals-and-sandbox';
    value(await app.router.dispatch('sessions:start', { projectId: project.id, profileId: profile.id, prompt, cols: 120, rows: 40 }));
    await until(() => codexApi!.requests.length > 0, 'the first Responses request');
    const input = JSON.stringify(codexApi.requests[0]?.input);
    expect(input).toContain(prompt);
  });
});
