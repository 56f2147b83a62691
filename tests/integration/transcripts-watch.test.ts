import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { EventPayload } from '../../src-common/contract';
import type { SessionSummary, Timeline, TranscriptScanProgress } from '../../src-common/domain/transcript';
import type { App } from '../../src-main/app';
import { CLAUDE_BIN, seedClaudeHome } from '../helpers/claude-home';
import { makeRepo } from '../helpers/git-repo';
import { startScriptedModelApi, type ScriptedModelApi } from '../helpers/scripted-model-api';
import { startScriptedResponsesApi, type ScriptedResponsesApi } from '../helpers/scripted-responses-api';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';
import { makeTestApp } from '../helpers/test-app';
import { poller, value } from '../helpers/wait';

const until = poller({ timeoutMs: 10_000, intervalMs: 25 });

const FIXTURES = path.resolve(__dirname, '../fixtures/transcripts');
let app: App | null = null;
let api: ScriptedModelApi | null = null;
let responses: ScriptedResponsesApi | null = null;
const CODEX_BIN = path.resolve(__dirname, '../../node_modules/.bin/codex');

afterEach(async () => {
  await app?.dispose();
  await api?.close();
  await responses?.close();
  app = null;
  api = null;
  responses = null;
});
afterAll(removeTempDirs);

describe('watching transcript folders', () => {
  it('scans what is there in a worker with progress, then picks up a new file and its appends as they are written', async () => {
    const home = tempDir('pitwall-home-');
    const existing = path.join(home, '.claude/projects/-work-demo/8c1b1a4e-0000-4000-8000-000000000001.jsonl');
    fs.mkdirSync(path.dirname(existing), { recursive: true });
    fs.copyFileSync(path.join(FIXTURES, 'git-ai-project__git-ai__example-claude-code.jsonl'), existing);
    const codex = path.join(home, '.codex/sessions/2026/02/11/rollout-2026-02-11T05-53-33-019c4b43-1451-7af3-be4c-5576369bf1ba.jsonl');
    fs.mkdirSync(path.dirname(codex), { recursive: true });
    fs.copyFileSync(path.join(FIXTURES, 'git-ai-project__git-ai__codex-session-simple.jsonl'), codex);

    const progress: TranscriptScanProgress[] = [];
    app = makeTestApp(tempDir('pitwall-data-'), { ...process.env, HOME: home });
    app.events.on('transcripts:progress', (p) => progress.push(p));
    await app.transcripts.scanDone();
    expect(progress.at(-1)).toMatchObject({ done: true, filesDone: 2, filesTotal: 2, error: null });
    expect(progress.at(-1)!.bytesDone).toBe(fs.statSync(existing).size + fs.statSync(codex).size);
    const listed = value<SessionSummary[]>(await app.router.dispatch('history:sessions', {}));
    expect(listed.map((s) => s.agentKind).sort()).toEqual(['claude-code', 'codex']);
    expect(value<SessionSummary[]>(await app.router.dispatch('history:sessions', { source: 'codex' })).map((s) => s.title)).toEqual(['Refactor src/main.rs to add a greeting function.']);

    const changed: EventPayload<'transcripts:changed'>[] = [];
    app.events.on('transcripts:changed', (p) => changed.push(p));
    const fresh = path.join(home, '.claude/projects/-work-demo/8c1b1a4e-0000-4000-8000-0000000000ff.jsonl');
    const line = (uuid: string, type: 'user' | 'assistant', text: string) =>
      `${JSON.stringify({ type, uuid, sessionId: 'x', timestamp: new Date().toISOString(), cwd: '/work/demo', message: type === 'user' ? { role: 'user', content: text } : { id: `msg_${uuid}`, role: 'assistant', model: 'claude-test', content: [{ type: 'text', text }], usage: { input_tokens: 3, output_tokens: 5 } } })}\n`;
    fs.writeFileSync(fresh, line('u1', 'user', 'Find the flux capacitor'));
    const found = await until(async () => value<SessionSummary[]>(await app!.router.dispatch('history:sessions', { query: 'capacitor' }))[0], 'the new session in a search');
    expect(found.hits[0]!.snippet).toContain('\u0001capacitor\u0002');
    fs.appendFileSync(fresh, line('a1', 'assistant', 'The capacitor is in the DeLorean'));
    const timeline = await until(async () => {
      const t = value<Timeline>(await app!.router.dispatch('history:timeline', { sessionId: found.id }));
      return t.entries.length === 2 ? t : null;
    }, 'the appended answer');
    expect(timeline.entries[1]).toMatchObject({ type: 'message', role: 'assistant', text: 'The capacitor is in the DeLorean', tokens: { input: 3, output: 5 } });
    // Change notices are gathered for a moment (a busy file would send one per line).
    await until(() => changed.some((c) => c.sessionIds.includes(found.id)), 'the change notice');
  });

  it('reads an appended line as soon as it lands and holds back a half-written last line until its newline', async () => {
    const home = tempDir('pitwall-home-');
    const file = path.join(home, '.claude/projects/-work-demo/8c1b1a4e-0000-4000-8000-0000000000aa.jsonl');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const line = (uuid: string, text: string) => `${JSON.stringify({ type: 'user', uuid, sessionId: 'y', timestamp: new Date().toISOString(), cwd: '/work/demo', message: { role: 'user', content: text } })}\n`;
    fs.writeFileSync(file, line('p0', 'opening words'));
    // A long debounce: were appends still waiting for a quiet file, nothing below would be found before the timeout.
    app = makeTestApp(tempDir('pitwall-data-'), { ...process.env, HOME: home }, { transcriptDebounceMs: 60_000 });
    await app.transcripts.scanDone();
    const search = async (word: string) => value<SessionSummary[]>(await app!.router.dispatch('history:sessions', { query: word }));

    const whole = line('p1', 'marmalade arrives whole');
    const cut = line('p2', 'quince arrives in halves');
    const half = cut.length >> 1;
    // One write: a complete line, then the first half of the next one (no newline, not valid JSON).
    fs.appendFileSync(file, whole + cut.slice(0, half));
    await until(async () => (await search('marmalade'))[0], 'the complete line, read without waiting for the file to go quiet');
    expect(await search('quince')).toEqual([]);

    fs.appendFileSync(file, cut.slice(half));
    const found = await until(async () => (await search('quince'))[0], 'the finished line');
    expect(found.hits[0]!.snippet).toContain('\u0001quince\u0002');
    // The half line was held back, never read as a malformed line.
    expect(value<{ path: string }[]>(await app.router.dispatch('transcripts:problems', {})).filter((p) => p.path === file)).toEqual([]);
  });

  it('lists roots with whether they exist, adds one, and turns one off', async () => {
    const home = tempDir('pitwall-home-');
    fs.mkdirSync(path.join(home, '.claude/projects'), { recursive: true });
    app = makeTestApp(tempDir('pitwall-data-'), { ...process.env, HOME: home });
    const roots = value<{ source: string; path: string; exists: boolean; enabled: boolean }[]>(await app.router.dispatch('transcripts:roots', {}));
    expect(roots.find((r) => r.path === path.join(home, '.claude/projects'))).toMatchObject({ source: 'claude-code', exists: true, enabled: true });
    // The newer default location is watched too, once it exists; Codex's archive next to its sessions.
    expect(roots.find((r) => r.path === path.join(home, '.config/claude/projects'))).toMatchObject({ source: 'claude-code', exists: false });
    expect(roots.filter((r) => r.source === 'codex').map((r) => [r.path, r.exists])).toEqual([
      [path.join(home, '.codex/sessions'), false],
      [path.join(home, '.codex/archived_sessions'), false],
    ]);
    const extra = tempDir('pitwall-extra-root-');
    let next = value<{ path: string; enabled: boolean; builtIn: boolean }[]>(await app.router.dispatch('transcripts:update-root', { source: 'claude-code', path: extra }));
    expect(next.find((r) => r.path === extra)).toMatchObject({ enabled: true, builtIn: false });
    next = value(await app.router.dispatch('transcripts:update-root', { source: 'claude-code', path: path.join(home, '.claude/projects'), enabled: false }));
    expect(next.find((r) => r.path === path.join(home, '.claude/projects'))).toMatchObject({ enabled: false });
    const bad = await app.router.dispatch('transcripts:update-root', { source: 'claude-code', path: 'relative/path' });
    expect(bad.ok ? null : bad.error.message).toMatch(/absolute path/);
  });

  it('shows a real Claude Code session run outside Pitwall, with its tool call, soon after the CLI writes it', async () => {
    api = await startScriptedModelApi([
      { toolUse: { name: 'Write', input: { file_path: 'NOTES.md', content: 'pit stop notes\n' } } },
      { text: 'Wrote the notes: WATCHED-BY-PITWALL' },
    ]);
    const home = tempDir('pitwall-claude-home-');
    const repo = makeRepo('outside-repo');
    const env = seedClaudeHome(home, api.url, [repo]);
    app = makeTestApp(tempDir('pitwall-data-'), { ...process.env, HOME: home });
    await app.transcripts.scanDone();
    const seenAt = new Map<string, number>();
    app.events.on('transcripts:changed', () => seenAt.set('changed', Date.now()));

    const child = spawn(CLAUDE_BIN, ['-p', 'Write pit stop notes', '--permission-mode', 'acceptEdits', '--output-format', 'text'], {
      cwd: repo,
      env: { ...process.env, ...env, NOTES_PATH: path.join(repo, 'NOTES.md') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, output).toBe(0);
    expect(output).toContain('WATCHED-BY-PITWALL');

    const session = await until(async () => value<SessionSummary[]>(await app!.router.dispatch('history:sessions', { agentKind: 'claude-code' }))[0], 'the session from the CLI');
    const timeline = await until(async () => {
      const t = value<Timeline>(await app!.router.dispatch('history:timeline', { sessionId: session.id }));
      return t.entries.some((e) => e.type === 'message' && e.text.includes('WATCHED-BY-PITWALL')) && t.entries.some((e) => e.type === 'tool' && e.output !== null) ? t : null;
    }, 'the messages and the tool call');
    expect(timeline.entries.find((e) => e.type === 'message' && e.role === 'user')).toMatchObject({ text: 'Write pit stop notes' });
    expect(timeline.entries.find((e) => e.type === 'tool')).toMatchObject({ name: 'Write', status: 'succeeded' });
    expect(timeline.session.cwd).toBe(fs.realpathSync(repo));
    expect(fs.readFileSync(path.join(repo, 'NOTES.md'), 'utf8')).toBe('pit stop notes\n');
  });

  it('shows a real Codex CLI session, with its command and its tokens counted once per call', async () => {
    responses = await startScriptedResponsesApi([{ functionCall: { name: 'exec_command', arguments: { cmd: 'echo pit > notes.txt' } } }, { text: 'All done: CODEX-WATCHED' }]);
    const home = tempDir('pitwall-codex-home-');
    // An installed Codex has its sessions folder; Pitwall watches it from the start.
    fs.mkdirSync(path.join(home, '.codex', 'sessions'), { recursive: true });
    const work = makeRepo('codex-repo');
    app = makeTestApp(tempDir('pitwall-data-'), { ...process.env, HOME: home });
    await app.transcripts.scanDone();
    const child = spawn(
      CODEX_BIN,
      ['exec', '--skip-git-repo-check', '--json', '-c', 'model_provider=mock', '-c', `model_providers.mock={name="mock",base_url="${responses.url}",wire_api="responses",env_key="MOCK_KEY"}`,
        '--dangerously-bypass-approvals-and-sandbox', '-m', 'gpt-5-codex', 'Write pit notes'],
      { cwd: work, env: { ...process.env, HOME: home, CODEX_HOME: path.join(home, '.codex'), MOCK_KEY: 'scripted' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, output).toBe(0);
    expect(fs.readFileSync(path.join(work, 'notes.txt'), 'utf8')).toBe('pit\n');

    const timeline = await until(async () => {
      const session = value<SessionSummary[]>(await app!.router.dispatch('history:sessions', { source: 'codex' }))[0];
      if (!session) return null;
      const t = value<Timeline>(await app!.router.dispatch('history:timeline', { sessionId: session.id }));
      return t.entries.some((e) => e.type === 'message' && e.text.includes('CODEX-WATCHED')) && t.entries.some((e) => e.type === 'tool' && e.output !== null) ? t : null;
    }, 'the Codex session with its command');
    expect(timeline.entries.filter((e) => e.type === 'message').map((e) => (e.type === 'message' ? [e.role, e.text] : null))).toEqual([
      ['user', 'Write pit notes'],
      ['assistant', 'All done: CODEX-WATCHED'],
    ]);
    expect(timeline.entries.find((e) => e.type === 'tool')).toMatchObject({ name: 'exec_command', status: 'succeeded', input: JSON.stringify({ cmd: 'echo pit > notes.txt' }) });
    // Two model calls of 1200 and 1300 input tokens (1000 of each cached) and 40 output each; the CLI
    // reports them as running totals, which are counted as their differences.
    expect(timeline.session.tokens).toEqual({ input: 500, output: 80, cacheRead: 2000, cacheWrite: 0 });
    expect(timeline.session.models).toEqual(['gpt-5-codex']);
  });
});
