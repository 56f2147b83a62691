import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { AgentProfile, Session } from '../../src-common/domain/agent';
import type { Project } from '../../src-common/domain/project';
import type { SessionSummary, Timeline } from '../../src-common/domain/transcript';
import type { App } from '../../src-main/app';
import { CLAUDE_BIN, seedClaudeHome } from '../helpers/claude-home';
import { makeRepo } from '../helpers/git-repo';
import { startScriptedModelApi, type ScriptedModelApi } from '../helpers/scripted-model-api';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';
import { makeTestApp } from '../helpers/test-app';
import { poller, value } from '../helpers/wait';

const until = poller({ timeoutMs: 45_000, intervalMs: 100, contextChars: 3000 });

let app: App | null = null;
let api: ScriptedModelApi | null = null;

afterEach(async () => {
  await app?.sessions.shutdownAgents().catch(() => undefined);
  await app?.dispose();
  await api?.close();
  app = null;
  api = null;
});
afterAll(removeTempDirs);

describe('Claude Code in a session (real CLI, scripted model API)', () => {
  it('runs interactively in a new worktree with its own session id, answers, and writes its transcript where recorded', async () => {
    api = await startScriptedModelApi([{ text: 'Scripted answer: PITWALL-SEES-YOU-42' }]);
    // Pitwall watches the transcripts under the agent's HOME, as it watches ~/.claude for a person.
    const home = tempDir('pitwall-claude-home-');
    app = makeTestApp(tempDir('pitwall-data-'), { ...process.env, HOME: home });
    await app.ready;
    const project = value<Project>(await app.router.dispatch('projects:add', { path: makeRepo('claude-repo') }));
    const worktreePath = path.join(project.resolvedWorktreeRoot, 'agent-hello');
    const env = seedClaudeHome(home, api.url, [worktreePath]);
    const profile = value<AgentProfile>(await app.router.dispatch('profiles:create', { name: 'Claude (scripted)', kind: 'claude-code', command: CLAUDE_BIN, env }));

    let screen = '';
    app.events.on('sessions:output', (p) => (screen += p.data));
    const session = value<Session>(
      await app.router.dispatch('sessions:start', {
        projectId: project.id,
        profileId: profile.id,
        newWorktree: { branch: 'agent/hello' },
        prompt: 'Say hello to the pit wall',
        cols: 120,
        rows: 40,
      }),
    );
    expect(session.status).toBe('running');
    expect(session.cwd).toBe(worktreePath);
    // The session id given to Claude Code is Pitwall's own, so the transcript path is known up front.
    expect(session.agentSessionId).toBe(session.id);
    expect(session.transcriptPath).toBe(path.join(home, '.claude', 'projects', worktreePath.replace(/[^a-zA-Z0-9]/g, '-'), `${session.id}.jsonl`));

    await until(() => screen.includes('PITWALL-SEES-YOU-42'), 'the scripted answer on the terminal', 45_000, () => screen);
    // Claude Code writes its transcript after the answer is on screen (it flushes in batches): wait for the prompt in it.
    await until(() => fs.existsSync(session.transcriptPath!) && fs.readFileSync(session.transcriptPath!, 'utf8').includes('Say hello to the pit wall'), 'the prompt in the transcript file');
    const transcript = fs.readFileSync(session.transcriptPath!, 'utf8');
    expect(transcript).toContain(session.id);
    const mainLoop = api.requests.find((r) => Array.isArray(r.tools) && r.tools.length > 0);
    expect(JSON.stringify(mainLoop?.messages)).toContain('Say hello to the pit wall');

    // The launched session and its transcript are one session, with the transcript's timeline.
    const texts = async () => value<Timeline>(await app!.router.dispatch('history:timeline', { sessionId: session.id })).entries.map((e) => (e.type === 'message' ? e.text : e.name));
    await until(async () => (await texts()).some((t) => t.includes('PITWALL-SEES-YOU-42')), 'the transcript in the timeline', 10_000);
    expect(await texts()).toContain('Say hello to the pit wall');
    const all = value<SessionSummary[]>(await app.router.dispatch('history:sessions', {}));
    expect(all.map((s) => s.id)).toEqual([session.id]);

    const stopped = value<Session>(await app.router.dispatch('sessions:stop', { sessionId: session.id }));
    expect(stopped.status).toBe('stopped');
  });
});
