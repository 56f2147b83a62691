import type { z } from 'zod';
import type { appInfoSchema } from '../../src-common/contract';
import type { ProfileService } from '../agents/profile-service';
import type { UserEnvironment } from '../agents/user-environment';
import type { ApprovalService } from '../approvals/approval-service';
import type { SessionService } from '../agents/session-service';
import type { ProjectService } from '../projects/project-service';
import type { DiffService } from '../review/diff-service';
import type { TaskService } from '../tasks/task-service';
import type { SettingsService } from '../settings/settings-service';
import type { WorktreeRemoval } from '../worktrees/worktree-removal';
import type { WorktreeService } from '../worktrees/worktree-service';
import type { HistoryClient } from '../transcripts/history-client';
import type { TranscriptService } from '../transcripts/transcript-service';
import type { SyncService } from '../sync/sync-service';
import type { IdeService } from '../ide/ide-service';
import type { StatusService } from '../status/status-service';
import type { UpdateService } from '../updates/update-service';
import type { Handlers } from './router';

/** The services the handlers are bound to. */
export interface HandlerDeps {
  info: () => z.infer<typeof appInfoSchema>;
  projects: ProjectService;
  worktrees: WorktreeService;
  worktreeRemoval: WorktreeRemoval;
  profiles: ProfileService;
  environment: UserEnvironment;
  sessions: SessionService;
  approvals: ApprovalService;
  settings: SettingsService;
  diffs: DiffService;
  tasks: TaskService;
  transcripts: TranscriptService;
  history: HistoryClient;
  sync: SyncService;
  status: StatusService;
  ide: IdeService;
  updates: UpdateService;
}

/** Binds every contract channel to a service method; the compiler checks none is missing. */
export function createHandlers(deps: HandlerDeps): Handlers {
  const { projects, worktrees, profiles, sessions, approvals } = deps;
  return {
    'app:info': () => deps.info(),
    'settings:get': () => deps.settings.get(),
    'settings:update': (req) => deps.settings.update(req),
    'projects:add': (req) => projects.add(req.path),
    'projects:list': () => projects.list(),
    'projects:get': (req) => projects.get(req.id),
    'projects:update': (req) => projects.update(req.id, { name: req.name, config: req.config }),
    'projects:remove': (req) => projects.remove(req.id),
    'worktrees:create': (req) => worktrees.create(req),
    'worktrees:list': (req) => worktrees.list(req.projectId),
    'worktrees:remove': (req) => deps.worktreeRemoval.remove(req.worktreeId, { force: req.force ?? false, stopAgents: req.stopAgents ?? false }),
    'worktrees:restore': (req) => worktrees.restore(req.worktreeId),
    'diffs:get': (req) => deps.diffs.get(req.worktreeId),
    'tasks:create': (req) => deps.tasks.create(req),
    'tasks:list': (req) => deps.tasks.list(req.projectId),
    'tasks:get': (req) => deps.tasks.get(req.id),
    'tasks:update': ({ id, ...changes }) => deps.tasks.update(id, changes),
    'tasks:move': (req) => deps.tasks.move(req.id, req.column, req.index),
    'tasks:remove': (req) => deps.tasks.remove(req.id),
    'tasks:start': (req) => deps.tasks.start(req.id),
    'tasks:approve': (req) => deps.tasks.approve(req.id, req.strategy, req.message),
    'tasks:reject': (req) => deps.tasks.reject(req.id, req.reason),
    'tasks:verifications': (req) => deps.tasks.verifications(req.id),
    'tasks:pr-option': (req) => deps.tasks.pullRequestOption(req.id),
    'tasks:open-pr': (req) => deps.tasks.openPullRequest(req.id),
    'history:sessions': (req) => deps.history.sessions(req),
    'history:list': (req) => deps.history.list(req),
    'history:facets': () => deps.history.facets(),
    'history:tool': (req) => deps.history.tool(req.sessionId, req.id),
    'history:timeline': (req) => deps.history.timeline(req.sessionId),
    'history:usage': (req) => deps.history.usage(req),
    'transcripts:roots': () => deps.transcripts.roots(),
    'transcripts:update-root': (req) => deps.transcripts.updateRoot(req),
    'transcripts:progress': () => deps.transcripts.progress(),
    'transcripts:problems': () => deps.history.problems(),
    'profiles:list': () => profiles.list(),
    'profiles:create': (req) => profiles.create(req),
    'profiles:update': ({ id, ...changes }) => profiles.update(id, changes),
    'profiles:remove': (req) => profiles.remove(req.id),
    'profiles:reset': (req) => profiles.reset(req.id),
    'profiles:environment': (req) => deps.environment.summary(req.refresh ?? false),
    'sessions:start': (req) => sessions.start(req),
    'sessions:input': async (req) => {
      await sessions.input(req.sessionId, req.data);
      return {};
    },
    'sessions:resize': async (req) => {
      await sessions.resize(req.sessionId, req.cols, req.rows);
      return {};
    },
    'sessions:stop': (req) => sessions.stop(req.sessionId),
    'sessions:restart': (req) => sessions.restart(req.sessionId),
    'sessions:list': (req) => sessions.list(req.projectId),
    'sessions:get': (req) => sessions.get(req.sessionId),
    'sessions:scrollback': (req) => sessions.scrollback(req.sessionId),
    'approvals:list': (req) => approvals.list(req),
    'approvals:decide': (req) => approvals.decide(req.id, req.decision, { reason: req.reason, remember: req.remember }),
    'rules:list': () => approvals.listRules(),
    'rules:create': (req) => approvals.createRule(req),
    'rules:remove': (req) => approvals.removeRule(req.id),
    'audit:list': (req) => approvals.audits(req.sessionId, req.limit),
    'team:status': () => deps.sync.status(),
    'team:enroll': (req) => deps.sync.enroll(req),
    'team:leave': () => deps.sync.leave(),
    'team:set-project': (req) => deps.sync.setProject(req.projectId, req.enabled),
    'team:update': (req) => deps.sync.update(req),
    'team:push-now': () => deps.sync.pushNow(),
    'status:get': () => deps.status.summary(),
    'ide:list': (req) => deps.ide.list(req.refresh ?? false),
    'ide:open': (req) => deps.ide.open(req),
    'ide:open-terminal': (req) => deps.ide.openTerminal(req),
    'updates:status': () => deps.updates.status(),
    'updates:check': () => deps.updates.check(),
    'updates:install': (req) => deps.updates.install(req.agents),
  };
}
