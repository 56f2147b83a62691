import { useEffect, useState, type DragEvent, type FormEvent, type KeyboardEvent } from 'react';
import { COLUMN_WORDS, TASK_COLUMNS, type Task, type TaskColumn } from '../../src-common/domain/task';
import { getClient } from '../api/client';
import { plural } from '../format';
import { EmptyState, ErrorBanner, LoadingRows, PageHeader } from '../components/common';
import { useResource } from '../hooks/use-resource';
import { TaskReview } from './task-review';

const TITLES = COLUMN_WORDS;

/** "ui, backend" -> ['ui', 'backend'], without blanks or repeats. */
function labelList(text: string): string[] {
  return [...new Set(text.split(',').map((l) => l.trim()).filter(Boolean))];
}

function NewTaskForm({ projectId }: { projectId: string }) {
  const profiles = useResource(() => getClient().api.profiles.list({}), []);
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [profileId, setProfileId] = useState('');
  const [labels, setLabels] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const result = await getClient().api.tasks.create({ projectId, title, description, labels: labelList(labels), profileId: profileId || null });
    if (!result.ok) setError(result.error.message);
    else {
      setTitle('');
      setDescription('');
      setLabels('');
      setError(null);
    }
  };
  return (
    <form className="card new-task" onSubmit={(e) => void submit(e)} aria-label="New task">
      <div className="row wrap">
        <div className="field grow">
          <label htmlFor="task-title">Task</label>
          <input id="task-title" value={title} placeholder="Add a dark mode toggle" onChange={(e) => setTitle(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="task-profile">Agent</label>
          <select id="task-profile" value={profileId} onChange={(e) => setProfileId(e.target.value)}>
            <option value="">Claude Code (default)</option>
            {(profiles.data ?? []).map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </div>
      </div>
      <div className="field">
        <label htmlFor="task-description">Details (optional)</label>
        <textarea id="task-description" rows={2} value={description} onChange={(e) => setDescription(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="task-labels">Labels (optional, comma separated)</label>
        <input id="task-labels" value={labels} placeholder="ui, backend" onChange={(e) => setLabels(e.target.value)} />
      </div>
      <div className="row">
        <button type="submit" className="button primary" disabled={!title.trim()}>
          Add task
        </button>
        {error ? <span className="field-error" role="alert">{error}</span> : null}
      </div>
    </form>
  );
}

/**
 * The task board: backlog → in progress → waiting for approval → verified; drag cards or use
 * Alt+arrows. `#/tasks/<id>` (a notification, the tray) opens that task's review in its project.
 */
export function TasksPage({ openId: routeId = null }: { openId?: string | null }) {
  const api = getClient().api;
  const projects = useResource(() => api.projects.list({}), [], ['projects:changed']);
  const [projectId, setProjectId] = useState('');
  const project = (projects.data ?? []).find((p) => p.id === projectId) ?? projects.data?.[0] ?? null;
  const tasks = useResource(() => (project ? api.tasks.list({ projectId: project.id }) : Promise.resolve({ ok: true as const, value: [] })), [project?.id], ['tasks:changed', 'sessions:changed']);
  const [openId, setOpenId] = useState<string | null>(routeId);
  const [error, setError] = useState<string | null>(null);
  // A new route opens its task (state adjusted while rendering, not in an effect after it).
  const [routed, setRouted] = useState(routeId);
  if (routeId !== routed) {
    setRouted(routeId);
    if (routeId) setOpenId(routeId);
  }
  useEffect(() => {
    if (!routeId) return;
    void api.tasks.get({ id: routeId }).then((r) => r.ok && setProjectId(r.value.projectId));
  }, [routeId, api.tasks]);
  const list = tasks.data ?? [];
  const open = list.find((t) => t.id === openId) ?? null;

  const move = async (task: Task, column: TaskColumn, index: number): Promise<void> => {
    const result = await api.tasks.move({ id: task.id, column, index });
    setError(result.ok ? null : result.error.message);
  };
  const onDrop = (e: DragEvent, column: TaskColumn): void => {
    e.preventDefault();
    const task = list.find((t) => t.id === e.dataTransfer.getData('text/task-id'));
    if (task) void move(task, column, list.filter((t) => t.column === column && t.id !== task.id).length);
  };
  const onCardKey = (e: KeyboardEvent, task: Task): void => {
    if (e.key === 'Enter') return setOpenId(task.id);
    if (!e.altKey) return;
    const col = TASK_COLUMNS.indexOf(task.column);
    const inColumn = list.filter((t) => t.column === task.column);
    const index = inColumn.findIndex((t) => t.id === task.id);
    if (e.key === 'ArrowRight' && col < TASK_COLUMNS.length - 1) void move(task, TASK_COLUMNS[col + 1]!, 0);
    else if (e.key === 'ArrowLeft' && col > 0) void move(task, TASK_COLUMNS[col - 1]!, 0);
    else if (e.key === 'ArrowUp' && index > 0) void move(task, task.column, index - 1);
    else if (e.key === 'ArrowDown' && index < inColumn.length - 1) void move(task, task.column, index + 1);
    else return;
    e.preventDefault();
  };

  return (
    <div className="page tasks-page">
      <PageHeader title="Tasks">
        {(projects.data ?? []).length > 0 ? (
          <>
            <label htmlFor="tasks-project" className="small">
              Project
            </label>
            <select id="tasks-project" value={project?.id ?? ''} onChange={(e) => setProjectId(e.target.value)}>
              {(projects.data ?? []).map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </>
        ) : null}
      </PageHeader>
      {!project ? (
        projects.loading ? <LoadingRows label="Loading…" /> : <EmptyState title="No projects yet">Add a git repository on the Projects page, then hand its work to agents here.</EmptyState>
      ) : (
        <>
          <NewTaskForm projectId={project.id} />
          {tasks.error ? <ErrorBanner error={tasks.error} onRetry={tasks.reload} /> : null}
          {error ? <p className="field-error" role="alert">{error}</p> : null}
          <div className="board" role="list" aria-label="Task board">
            {TASK_COLUMNS.map((column) => {
              const cards = list.filter((t) => t.column === column);
              return (
                <section key={column} className="board-column" role="listitem" aria-label={TITLES[column]} data-testid={`column-${column}`} onDragOver={(e) => e.preventDefault()} onDrop={(e) => onDrop(e, column)}>
                  <h3>
                    {TITLES[column]} <span className="muted">{cards.length}</span>
                  </h3>
                  {cards.map((task) => (
                    <article
                      key={task.id}
                      className={`task-card ${openId === task.id ? 'selected' : ''}`}
                      data-testid="task-card"
                      tabIndex={0}
                      draggable
                      aria-label={task.title}
                      onDragStart={(e) => e.dataTransfer.setData('text/task-id', task.id)}
                      onClick={() => setOpenId(task.id)}
                      onKeyDown={(e) => onCardKey(e, task)}
                    >
                      <div className="task-title">{task.title}</div>
                      {task.labels.length > 0 ? (
                        <div className="row wrap">
                          {task.labels.map((l) => (
                            <span key={l} className="label-chip">{l}</span>
                          ))}
                        </div>
                      ) : null}
                      <div className="row wrap small muted">
                        {task.branch ? <span className="mono">{task.branch}</span> : null}
                        {task.diffSummary ? (
                          <span>
                            {plural(task.diffSummary.files, 'file')} <span className="add">+{task.diffSummary.additions}</span> <span className="del">−{task.diffSummary.deletions}</span>
                          </span>
                        ) : null}
                        {task.verification ? <span className={`badge badge-${task.verification.status === 'passed' ? 'allowed' : task.verification.status === 'failed' ? 'failed' : 'pending'}`}>verify {task.verification.status}</span> : null}
                        {task.rejectionCount > 0 ? <span>sent back ×{task.rejectionCount}</span> : null}
                      </div>
                    </article>
                  ))}
                  {cards.length === 0 ? <p className="muted small column-empty">Drop a card here</p> : null}
                </section>
              );
            })}
          </div>
          {open ? <TaskReview key={open.id} task={open} onClose={() => setOpenId(null)} /> : null}
        </>
      )}
    </div>
  );
}
