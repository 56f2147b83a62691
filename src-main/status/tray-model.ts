import type { StatusState, StatusSummary } from '../../src-common/domain/status';
import { statusLine } from './status-model';
import type { LiveAgentItem, StatusSnapshot } from './status-snapshot';

/** What a tray menu item does when clicked; the Electron glue carries it out. */
export type TrayAction =
  | { kind: 'open'; route: string }
  | { kind: 'decide'; approvalId: string; decision: 'allow' | 'deny' }
  | { kind: 'quit' };

/** A tray menu entry, free of Electron's types so it can be tested as data. */
export type TrayMenuItem =
  | { type: 'separator' }
  | { type: 'label'; label: string }
  | { type: 'action'; label: string; action: TrayAction }
  | { type: 'submenu'; label: string; items: TrayMenuItem[] };

/** How many of each list the menu shows before a "more" entry. */
export const TRAY_LIMITS = { approvals: 5, agents: 10, review: 5 } as const;

const MAX_LABEL = 60;

/**
 * A menu label: one line, bounded, with `&` doubled (Electron reads a single `&` as a mnemonic
 * marker on every platform and drops it).
 */
export function menuLabel(text: string, max = MAX_LABEL): string {
  const line = text.replace(/\s+/g, ' ').trim();
  const cut = line.length > max ? `${line.slice(0, max - 1)}…` : line;
  return cut.replace(/&/g, '&&');
}

/** The icon file (in resources/tray) for a state; macOS gets template images where colour says nothing. */
export function trayIconFile(state: StatusState, platform: NodeJS.Platform): string {
  if (platform === 'darwin' && (state === 'idle' || state === 'running')) return `tray-${state}Template.png`;
  return `tray-${state}.png`;
}

/** Every icon file the tray may use, for packaging checks. */
export const TRAY_ICON_FILES = ['idle', 'running', 'attention', 'sync-failing'].flatMap((s) => [`tray-${s}.png`, `tray-${s}@2x.png`]).concat(
  ['idle', 'running'].flatMap((s) => [`tray-${s}Template.png`, `tray-${s}Template@2x.png`]),
);

/** The tray tooltip: the app name and what is going on. */
export function trayTooltip(summary: StatusSummary): string {
  return `Pitwall — ${statusLine(summary)}`;
}

/** The short text macOS shows next to the icon: the number of things waiting, or nothing. */
export function trayTitle(summary: StatusSummary): string {
  return summary.attention > 0 ? String(summary.attention) : '';
}

function more(n: number, what: string, route: string): TrayMenuItem[] {
  return n > 0 ? [{ type: 'action', label: `${n} more ${what}…`, action: { kind: 'open', route } }] : [];
}

function agentLabel(agent: LiveAgentItem): string {
  const state = agent.activity === 'waiting_for_input' ? 'waiting for input' : agent.status === 'running' ? null : agent.status;
  return `${agent.title} — ${agent.agentName}${state ? ` (${state})` : ''}`;
}

function syncLabel(summary: StatusSummary): string {
  const { state, detail } = summary.sync;
  if (state === 'off') return 'Team sync: off';
  if (state === 'ok') return 'Team sync: up to date';
  if (state === 'pushing') return `Team sync: pushing${detail ? ` ${detail}` : '…'}`;
  return `Team sync failing${detail ? `: ${detail}` : ''}`;
}

/**
 * The tray menu for a snapshot: the state in words; pending approvals, each with Allow and Deny;
 * running agents grouped by project; tasks waiting for review; sync; Open Pitwall; Quit.
 */
export function trayMenu(snapshot: StatusSnapshot, summary: StatusSummary): TrayMenuItem[] {
  const items: TrayMenuItem[] = [{ type: 'label', label: menuLabel(statusLine(summary)) }];

  if (snapshot.approvals.length > 0) {
    items.push({ type: 'separator' }, { type: 'label', label: `Approvals waiting (${snapshot.approvals.length})` });
    for (const a of snapshot.approvals.slice(0, TRAY_LIMITS.approvals)) {
      const where = a.projectName ?? a.sessionTitle;
      items.push({
        type: 'submenu',
        label: menuLabel(`${a.toolName}${where ? ` · ${where}` : ''}: ${a.summary}`),
        items: [
          { type: 'action', label: 'Allow', action: { kind: 'decide', approvalId: a.id, decision: 'allow' } },
          { type: 'action', label: 'Deny', action: { kind: 'decide', approvalId: a.id, decision: 'deny' } },
          { type: 'separator' },
          { type: 'action', label: 'Show in Pitwall', action: { kind: 'open', route: 'approvals' } },
        ],
      });
    }
    items.push(...more(snapshot.approvals.length - TRAY_LIMITS.approvals, 'approvals', 'approvals'));
  }

  if (snapshot.agents.length > 0) {
    items.push({ type: 'separator' }, { type: 'label', label: `Agents (${snapshot.agents.length})` });
    const shown = snapshot.agents.slice(0, TRAY_LIMITS.agents);
    const groups = new Map<string, LiveAgentItem[]>();
    for (const agent of shown) {
      const key = agent.projectName ?? 'No project';
      groups.set(key, [...(groups.get(key) ?? []), agent]);
    }
    for (const [project, agents] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
      items.push({
        type: 'submenu',
        label: menuLabel(`${project} (${agents.length})`),
        items: agents.map((agent) => ({ type: 'action', label: menuLabel(agentLabel(agent)), action: { kind: 'open', route: `sessions/${agent.id}` } })),
      });
    }
    items.push(...more(snapshot.agents.length - TRAY_LIMITS.agents, 'agents', 'sessions'));
  }

  if (snapshot.review.length > 0) {
    items.push({ type: 'separator' }, { type: 'label', label: `Tasks to review (${snapshot.review.length})` });
    for (const t of snapshot.review.slice(0, TRAY_LIMITS.review)) {
      items.push({ type: 'action', label: menuLabel(`${t.title}${t.projectName ? ` · ${t.projectName}` : ''}`), action: { kind: 'open', route: `tasks/${t.id}` } });
    }
    items.push(...more(snapshot.review.length - TRAY_LIMITS.review, 'tasks', 'tasks'));
  }

  items.push(
    { type: 'separator' },
    summary.sync.state === 'failing'
      ? { type: 'action', label: menuLabel(syncLabel(summary)), action: { kind: 'open', route: 'settings' } }
      : { type: 'label', label: menuLabel(syncLabel(summary)) },
    { type: 'separator' },
    { type: 'action', label: 'Open Pitwall', action: { kind: 'open', route: '' } },
    { type: 'action', label: 'Quit Pitwall', action: { kind: 'quit' } },
  );
  return items;
}
