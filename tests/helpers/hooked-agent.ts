import fs from 'node:fs';
import path from 'node:path';
import type { AgentProfile, Session } from '../../src-common/domain/agent';
import type { Project } from '../../src-common/domain/project';
import type { CoreProcess } from './core-process';
import { poller, value } from './wait';

const until = poller({ timeoutMs: 30_000, intervalMs: 50 });

/** A session of a hook-speaking kind, started in a core process, whose "agent" prints its hook URL and secret and waits. */
export interface HookedAgent {
  project: Project;
  session: Session;
  url: string;
  secret: string;
}

/** Starts a hooked agent on `repo` in `core`; its URL and secret are read off its scrollback file in `dataDir`. */
export async function startHookedAgent(core: CoreProcess, dataDir: string, repo: string): Promise<HookedAgent> {
  const project = value<Project>(await core.dispatch('projects:add', { path: repo }));
  const profile = value<AgentProfile>(
    await core.dispatch('profiles:create', { name: 'hooked', kind: 'claude-code', command: '/bin/sh', args: ['-c', 'printf "HOOK=%s=%s=\\n" "$PITWALL_HOOK_URL" "$PITWALL_HOOK_SECRET"; exec sleep 600'] }),
  );
  const session = value<Session>(await core.dispatch('sessions:start', { projectId: project.id, profileId: profile.id, cols: 200, rows: 24 }));
  const file = path.join(dataDir, 'scrollback', `${session.id}.1.log`);
  const [, url, secret] = await until(() => (fs.existsSync(file) ? /HOOK=(\S+)=(\S+)=/.exec(fs.readFileSync(file, 'utf8')) : null), 'the hook environment on the screen');
  return { project, session, url: url!, secret: secret! };
}

/** Headers that authenticate a hook request of `agent`'s session. */
export function hookHeaders(agent: HookedAgent): Record<string, string> {
  return { 'content-type': 'application/json', 'x-pitwall-session': agent.session.id, authorization: `Bearer ${agent.secret}` };
}

/** Stops every session `core` still runs (the pty host outlives the core; its agents must not outlive the test). */
export async function stopAgents(core: CoreProcess | null): Promise<void> {
  if (!core || core.child.exitCode !== null || core.child.signalCode !== null) return;
  const listed = await core.dispatch('sessions:list', {});
  if (!listed.ok) return;
  for (const session of listed.value as Session[]) {
    if (session.status === 'running') await core.dispatch('sessions:stop', { sessionId: session.id });
  }
}
