import { useEffect, useState } from 'react';
import { getClient } from './api/client';
import { useDocumentStatus, useStatus, useWebNotifications } from './hooks/use-status';
import { navigate, useRoute, type Section } from './hooks/use-route';
import { ApprovalsPage } from './pages/approvals-page';
import { HistoryPage } from './pages/history-page';
import { UsagePage } from './pages/usage-page';
import { ProjectsPage } from './pages/projects-page';
import { SessionsPage } from './pages/sessions-page';
import { SettingsPage } from './pages/settings-page';
import { TasksPage } from './pages/tasks-page';
import { TeamStatusBar } from './pages/team-settings';

const NAV: { section: Section; label: string; icon: string }[] = [
  { section: 'projects', label: 'Projects', icon: '▤' },
  { section: 'sessions', label: 'Sessions', icon: '▶' },
  { section: 'history', label: 'History', icon: '◷' },
  { section: 'usage', label: 'Usage', icon: '▮' },
  { section: 'approvals', label: 'Approvals', icon: '✓' },
  { section: 'tasks', label: 'Tasks', icon: '☰' },
  { section: 'settings', label: 'Settings', icon: '⚙' },
];

/** Pending approvals, kept live for the sidebar badge. */
function usePendingCount(): number {
  const [count, setCount] = useState(0);
  useEffect(() => {
    const client = getClient();
    void client.api.approvals.list({ status: 'pending' }).then((r) => r.ok && setCount(r.value.length));
    const off = client.on('approvals:changed', (p) => setCount(p.pending));
    return () => {
      off();
    };
  }, []);
  return count;
}

/** The app frame: sidebar navigation and the current page. */
export function App() {
  const route = useRoute();
  const pending = usePendingCount();
  useDocumentStatus(useStatus());
  useWebNotifications();
  return (
    <div className="app">
      <nav className="sidebar" aria-label="Main">
        <div className="brand" aria-hidden="true">
          <span className="brand-mark">◢</span> Pitwall
        </div>
        <ul>
          {NAV.map((item) => (
            <li key={item.section}>
              <button
                type="button"
                className="nav-item"
                aria-current={route.section === item.section ? 'page' : undefined}
                onClick={() => navigate(item.section)}
              >
                <span className="nav-icon" aria-hidden="true">
                  {item.icon}
                </span>
                {item.label}
                {item.section === 'approvals' && pending > 0 ? (
                  <span className="count-badge" aria-label={`${pending} pending`}>
                    {pending}
                  </span>
                ) : null}
              </button>
            </li>
          ))}
        </ul>
        <TeamStatusBar />
      </nav>
      <main className="content">
        {route.section === 'projects' && <ProjectsPage selectedId={route.id} />}
        {route.section === 'sessions' && <SessionsPage openId={route.id} />}
        {route.section === 'history' && <HistoryPage openId={route.id} />}
        {route.section === 'usage' && <UsagePage />}
        {route.section === 'approvals' && <ApprovalsPage />}
        {route.section === 'tasks' && <TasksPage openId={route.id} />}
        {route.section === 'settings' && <SettingsPage />}
      </main>
    </div>
  );
}
