import path from 'node:path';
import Database from 'better-sqlite3';
import { newId } from '../../src-common/ids';
import type { Project } from '../../src-common/domain/project';
import { makeRepo } from '../helpers/git-repo';
import { removeTempDirs } from '../helpers/temp-dir';
import { makeTestApp } from '../helpers/test-app';
import { value } from '../helpers/wait';
import { median, row } from './bench-utils';

// What one status refresh costs (the tray, page badge and notifications are computed from it;
// it runs, debounced, after every change to approvals, sessions or tasks) on a busy history:
// 5,000 launched sessions, 500 tasks (100 waiting for review), 20 pending approvals. Baseline in
// the same run: raw SQLite queries reading the same rows, the least any refresh must do.

const SESSIONS = Number(process.env.BENCH_STATUS_SESSIONS ?? 5000);
const TASKS = Number(process.env.BENCH_STATUS_TASKS ?? 500);
const APPROVALS = Number(process.env.BENCH_STATUS_APPROVALS ?? 20);
const RUNS = Number(process.env.BENCH_RUNS ?? 21);

/** Runs the status-refresh benchmark. */
export async function benchStatus(): Promise<void> {
  const app = makeTestApp();
  try {
    await app.ready;
    const project = value<Project>(await app.router.dispatch('projects:add', { path: makeRepo('status-bench') }));
    const db = new Database(path.join(app.config.dataDir, 'pitwall.db'));
    const now = Date.now();
    db.transaction(() => {
      const session = db.prepare("INSERT INTO sessions (id, created_at, updated_at, source, agent_kind, project_id, title, status, started_at, ended_at, exit_code) VALUES (?, ?, ?, 'launched', 'claude-code', ?, ?, ?, ?, ?, 0)");
      const ids: string[] = [];
      for (let i = 0; i < SESSIONS; i++) {
        const id = newId();
        ids.push(id);
        const live = i < 8;
        session.run(id, now - i * 1000, now - i * 1000, project.id, `Session ${i}`, live ? 'running' : 'exited', now - i * 1000, live ? null : now - i * 500);
      }
      const task = db.prepare('INSERT INTO tasks (id, created_at, updated_at, project_id, title, "column", position, session_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
      for (let i = 0; i < TASKS; i++) task.run(newId(), now, now, project.id, `Task ${i}`, i % 5 === 0 ? 'waiting_approval' : 'verified', i, ids[i] ?? null);
      const approval = db.prepare("INSERT INTO approvals (id, created_at, updated_at, session_id, project_id, tool_name, input, status) VALUES (?, ?, ?, ?, ?, 'Bash', ?, 'pending')");
      for (let i = 0; i < APPROVALS; i++) approval.run(newId(), now + i, now + i, ids[i % 8], project.id, JSON.stringify({ command: `npm run step-${i}` }));
    })();

    const since = now - 10 * 60_000;
    const approvalsQuery = db.prepare("SELECT * FROM approvals WHERE status = 'pending' AND deleted_at IS NULL ORDER BY created_at DESC LIMIT 200");
    const liveQuery = db.prepare("SELECT * FROM sessions WHERE source = 'launched' AND deleted_at IS NULL AND status IN ('queued', 'starting', 'running') ORDER BY created_at DESC");
    const endedQuery = db.prepare("SELECT * FROM sessions WHERE source = 'launched' AND deleted_at IS NULL AND ended_at >= ? ORDER BY ended_at DESC LIMIT 20");
    const tasksQuery = db.prepare("SELECT * FROM tasks WHERE deleted_at IS NULL AND (\"column\" = 'waiting_approval' OR session_id IN (SELECT value FROM json_each(?)))");
    const refresh: number[] = [];
    const baseline: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      let t = performance.now();
      app.status.refresh();
      refresh.push(performance.now() - t);
      t = performance.now();
      approvalsQuery.all();
      liveQuery.all();
      const ended = endedQuery.all(since) as { id: string }[];
      tasksQuery.all(JSON.stringify(ended.map((e) => e.id)));
      baseline.push(performance.now() - t);
    }
    const summary = app.status.summary();
    if (summary.pendingApprovals !== APPROVALS || summary.runningAgents !== 8) throw new Error(`unexpected summary ${JSON.stringify(summary)}`);
    db.close();
    console.log(`\nstatus refresh — ${SESSIONS} sessions, ${TASKS} tasks, ${APPROVALS} pending approvals (median of ${RUNS})`);
    row('', 'ms', 'ratio');
    row('raw SQLite reads of the same rows (baseline)', median(baseline).toFixed(2), '1.0×');
    row('StatusService.refresh()', median(refresh).toFixed(2), `${(median(refresh) / median(baseline)).toFixed(1)}×`);
  } finally {
    await app.sessions.shutdownAgents().catch(() => undefined);
    await app.dispose();
    removeTempDirs();
  }
}
