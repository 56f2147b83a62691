import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { AgentProfile, Session } from '../../src-common/domain/agent';
import type { Approval } from '../../src-common/domain/approval';
import type { Project } from '../../src-common/domain/project';
import type { App } from '../../src-main/app';
import { makeRepo } from '../helpers/git-repo';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';
import { makeTestApp } from '../helpers/test-app';
import { poller, value } from '../helpers/wait';

const until = poller({ timeoutMs: 15_000, intervalMs: 50 });

// Aider has no hook API; Pitwall reads its y/n confirmation off the screen. Aider itself is a
// Python package and PyPI is out of reach here, so a script prints Aider's exact prompt text.
const FAKE_AIDER = `#!/bin/sh
echo "Aider v0.86 (scripted stand-in)"
echo "rm -rf build"
printf "Run shell command? (Y)es/(N)o/(D)on't ask again [Yes]: "
read answer
echo "answer=[$answer]"
if [ "$answer" = "y" ]; then touch ran.txt; fi
read next
echo "next=[$next]"
sleep 30
`;

let app: App | null = null;
afterEach(async () => {
  await app?.sessions.shutdownAgents().catch(() => undefined);
  await app?.dispose();
  app = null;
});
afterAll(removeTempDirs);

async function startAider(rules: { effect: 'allow' | 'deny' | 'ask'; toolName: string; pattern: string }[] = []) {
  app = makeTestApp();
  await app.ready;
  const repo = makeRepo();
  const script = path.join(tempDir(), 'aider');
  fs.writeFileSync(script, FAKE_AIDER, { mode: 0o755 });
  const project = value<Project>(await app.router.dispatch('projects:add', { path: repo }));
  const profile = value<AgentProfile>(await app.router.dispatch('profiles:create', { name: 'Aider (stand-in)', kind: 'aider', command: script }));
  for (const r of rules) value(await app.router.dispatch('rules:create', r));
  let screen = '';
  app.events.on('sessions:output', (p) => (screen += p.data));
  const session = value<Session>(await app.router.dispatch('sessions:start', { projectId: project.id, profileId: profile.id }));
  return { repo, session, screen: () => screen };
}

describe('permission prompts read off the screen (Aider)', () => {
  it('become approvals; allowing types y into the terminal', async () => {
    const { repo, session, screen } = await startAider();
    const pending = await until(async () => value<Approval[]>(await app!.router.dispatch('approvals:list', { status: 'pending' }))[0], 'the approval');
    expect(pending).toMatchObject({ sessionId: session.id, toolName: 'Bash', input: { command: 'rm -rf build', prompt: expect.stringContaining('Run shell command?') } });
    expect(fs.existsSync(path.join(repo, 'ran.txt'))).toBe(false);
    value(await app!.router.dispatch('approvals:decide', { id: pending.id, decision: 'allow' }));
    await until(() => screen().includes('answer=[y]'), 'y typed');
    await until(() => fs.existsSync(path.join(repo, 'ran.txt')), 'the command to run');
  });

  it('are answered by rules with no person involved: a deny rule types n', async () => {
    const { repo, screen } = await startAider([{ effect: 'deny', toolName: 'Bash', pattern: 'rm *' }]);
    await until(() => screen().includes('answer=[n]'), 'n typed');
    expect(fs.existsSync(path.join(repo, 'ran.txt'))).toBe(false);
    expect(value<Approval[]>(await app!.router.dispatch('approvals:list', {}))).toEqual([]);
  });

  it('are cancelled when the person answers in the terminal instead', async () => {
    const { session, screen } = await startAider();
    const pending = await until(async () => value<Approval[]>(await app!.router.dispatch('approvals:list', { status: 'pending' }))[0], 'the approval');
    value(await app!.router.dispatch('sessions:input', { sessionId: session.id, data: 'n\r' }));
    await until(() => screen().includes('answer=[n]'), 'n typed by the person');
    const after = value<Approval[]>(await app!.router.dispatch('approvals:list', {}));
    expect(after.find((a) => a.id === pending.id)).toMatchObject({ status: 'cancelled', reason: 'Answered in the terminal' });
    // Nothing else was typed on the person's behalf: the next line the stand-in reads is the one
    // typed after the answer showed, so anything Pitwall typed after the person would precede it.
    value(await app!.router.dispatch('sessions:input', { sessionId: session.id, data: 'after\r' }));
    await until(() => screen().includes('next=['), 'the next line read');
    expect(screen()).toContain('next=[after]');
    expect(screen().match(/answer=/g)).toHaveLength(1);
  });
});
