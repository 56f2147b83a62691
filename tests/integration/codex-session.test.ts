import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { AgentProfile, Session } from '../../src-common/domain/agent';
import type { Project } from '../../src-common/domain/project';
import type { SessionSummary, Timeline } from '../../src-common/domain/transcript';
import type { App } from '../../src-main/app';
import { makeRepo } from '../helpers/git-repo';
import { startScriptedResponsesApi, type ScriptedResponsesApi } from '../helpers/scripted-responses-api';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';
import { screenText } from '../helpers/terminal-text';
import { makeTestApp } from '../helpers/test-app';
import { poller, value } from '../helpers/wait';

const until = poller({ timeoutMs: 30_000, intervalMs: 100, contextChars: 2000 });

const CODEX_BIN = path.resolve(__dirname, '../../node_modules/.bin/codex');
let app: App | null = null;
let api: ScriptedResponsesApi | null = null;

afterEach(async () => {
  await app?.sessions.shutdownAgents().catch(() => undefined);
  await app?.dispose();
  await api?.close();
  app = null;
  api = null;
});
afterAll(removeTempDirs);

describe('Codex in a session (real CLI, scripted Responses API)', () => {
  it('runs the interactive TUI with the prompt as its argument, and its rollout becomes the same session', async () => {
    api = await startScriptedResponsesApi([{ text: 'Scripted Codex says: CODEX-IN-PITWALL' }]);
    const home = tempDir('pitwall-codex-home-');
    const codexHome = path.join(home, '.codex');
    fs.mkdirSync(path.join(codexHome, 'sessions'), { recursive: true });
    const repo = makeRepo('codex-tui-repo');
    // A trusted folder, as after the person answered Codex's trust question once.
    fs.writeFileSync(path.join(codexHome, 'config.toml'), `[projects."${repo}"]\ntrust_level = "trusted"\n`);
    const env = { HOME: home, CODEX_HOME: codexHome, MOCK_KEY: 'scripted', TERM: 'xterm-256color' };
    app = makeTestApp(tempDir('pitwall-data-'), { ...process.env, ...env });
    await app.ready;
    await app.transcripts.scanDone();
    const project = value<Project>(await app.router.dispatch('projects:add', { path: repo }));
    const profile = value<AgentProfile>(
      await app.router.dispatch('profiles:create', {
        name: 'Codex (scripted)',
        kind: 'codex',
        command: CODEX_BIN,
        args: ['-c', 'model_provider=mock', '-c', `model_providers.mock={name="mock",base_url="${api.url}",wire_api="responses",env_key="MOCK_KEY"}`],
        env,
        model: 'gpt-5-codex',
      }),
    );
    let screen = '';
    app.events.on('sessions:output', (p) => (screen += p.data));
    const session = value<Session>(await app.router.dispatch('sessions:start', { projectId: project.id, profileId: profile.id, prompt: 'Say hi to the pit wall', cols: 120, rows: 40 }));
    expect(session.status).toBe('running');
    // The TUI places words with cursor moves: strip the escape sequences and spaces before looking.
    await until(() => screenText(screen).includes('CODEX-IN-PITWALL'), 'the answer on the terminal', 30_000, () => screen);
    expect(JSON.stringify(api.requests[0]?.input)).toContain('Say hi to the pit wall');

    const timeline = await until(async () => {
      const t = value<Timeline>(await app!.router.dispatch('history:timeline', { sessionId: session.id }));
      return t.entries.some((e) => e.type === 'message' && e.text.includes('CODEX-IN-PITWALL')) ? t : null;
    }, 'the rollout in the launched session');
    expect(timeline.entries.find((e) => e.type === 'message' && e.role === 'user')).toMatchObject({ text: 'Say hi to the pit wall' });
    expect(timeline.transcriptPath).toMatch(/rollout-.*\.jsonl$/);
    // The answer carries its own response's tokens (Codex writes them after the message).
    const withTokens = await until(async () => {
      const t = value<Timeline>(await app!.router.dispatch('history:timeline', { sessionId: session.id }));
      const answer = t.entries.find((e) => e.type === 'message' && e.text.includes('CODEX-IN-PITWALL'));
      return answer && answer.type === 'message' && answer.tokens ? answer.tokens : null;
    }, 'the tokens of the answer');
    expect(withTokens).toMatchObject({ input: 200, cacheRead: 1000, output: 40 });
    // One session, not two; still running, so with no end time (the rollout's last line is not one).
    const listed = value<SessionSummary[]>(await app.router.dispatch('history:sessions', {}));
    expect(listed.map((s) => [s.id, s.status, s.endedAt])).toEqual([[session.id, 'running', null]]);
    expect(value<Session>(await app.router.dispatch('sessions:get', { sessionId: session.id })).agentSessionId).toMatch(/^[0-9a-f-]{36}$/);
  });
});
