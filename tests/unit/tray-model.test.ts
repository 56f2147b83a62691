import { describe, expect, it } from 'vitest';
import { sameSummary, statusLine, summarize } from '../../src-main/status/status-model';
import { emptySnapshot, type LiveAgentItem, type StatusSnapshot } from '../../src-main/status/status-snapshot';
import { TRAY_ICON_FILES, menuLabel, trayIconFile, trayMenu, trayTitle, trayTooltip, type TrayMenuItem } from '../../src-main/status/tray-model';
import { closeAction, parseNameHasOwner, probeTraySupport, quitWhenAllClosed } from '../../src-main/status/tray-support';

function agent(id: string, project: string | null, extra: Partial<LiveAgentItem> = {}): LiveAgentItem {
  return { id, title: `Task ${id}`, agentName: 'Claude Code', projectId: project, projectName: project, status: 'running', activity: 'working', ...extra };
}

function snapshot(extra: Partial<StatusSnapshot>): StatusSnapshot {
  return { ...emptySnapshot(), ...extra };
}

const approval = (id: string, sessionId: string | null = null) => ({ id, toolName: 'Bash', summary: `$ npm run ${id}`, sessionId, sessionTitle: 'Fix login', projectName: 'billing', createdAt: 1 });

function labels(items: TrayMenuItem[]): string[] {
  return items.map((i) => (i.type === 'separator' ? '---' : i.label));
}

describe('the status model', () => {
  it('is idle with nothing going on, running with agents, and failing sync shows', () => {
    expect(summarize(emptySnapshot())).toEqual({ state: 'idle', pendingApprovals: 0, waitingForInput: 0, reviewTasks: 0, runningAgents: 0, attention: 0, sync: { state: 'off', detail: null } });
    expect(summarize(snapshot({ agents: [agent('a', 'billing')] })).state).toBe('running');
    // A queued agent makes Pitwall busy but does not count as running.
    expect(summarize(snapshot({ agents: [agent('q', 'billing', { status: 'queued' })] }))).toMatchObject({ state: 'running', runningAgents: 0 });
    expect(summarize(snapshot({ agents: [agent('a', 'billing')], sync: { state: 'failing', detail: 'HTTP 503' } })).state).toBe('sync-failing');
  });

  it('needs the person for an approval, an agent waiting for input or a task to review, before anything else', () => {
    const s = summarize(
      snapshot({
        approvals: [approval('lint', 's1')],
        agents: [agent('s1', 'billing', { activity: 'waiting_for_input' }), agent('s2', 'web', { activity: 'waiting_for_input' })],
        review: [{ id: 't1', title: 'Dark mode', projectName: 'web', sessionId: null }],
        sync: { state: 'failing', detail: null },
      }),
    );
    // s1 waits on its approval: counted once, as the approval.
    expect(s).toMatchObject({ state: 'attention', pendingApprovals: 1, waitingForInput: 1, reviewTasks: 1, runningAgents: 2, attention: 3 });
    expect(statusLine(s)).toBe('1 approval waiting · 1 agent waiting for input · 1 task to review · 2 agents running · sync failing');
    expect(sameSummary(s, { ...s })).toBe(true);
    expect(sameSummary(s, { ...s, sync: { state: 'failing', detail: 'x' } })).toBe(false);
  });
});

describe('the tray icon', () => {
  it('has a picture per state, template images on macOS where colour says nothing', () => {
    expect(trayIconFile('idle', 'linux')).toBe('tray-idle.png');
    expect(trayIconFile('attention', 'win32')).toBe('tray-attention.png');
    expect(trayIconFile('sync-failing', 'linux')).toBe('tray-sync-failing.png');
    expect(trayIconFile('running', 'darwin')).toBe('tray-runningTemplate.png');
    expect(trayIconFile('attention', 'darwin')).toBe('tray-attention.png');
    for (const state of ['idle', 'running', 'attention', 'sync-failing'] as const) {
      for (const platform of ['linux', 'darwin', 'win32'] as const) expect(TRAY_ICON_FILES).toContain(trayIconFile(state, platform));
    }
  });

  it('says what is going on in its tooltip, and the number waiting next to it on macOS', () => {
    const s = summarize(snapshot({ approvals: [approval('a'), approval('b')] }));
    expect(trayTooltip(s)).toBe('Pitwall — 2 approvals waiting');
    expect(trayTitle(s)).toBe('2');
    expect(trayTitle(summarize(emptySnapshot()))).toBe('');
    expect(trayTooltip(summarize(emptySnapshot()))).toBe('Pitwall — Nothing running');
  });
});

describe('the tray menu', () => {
  it('with nothing going on: the state, sync, Open Pitwall and Quit', () => {
    const items = trayMenu(emptySnapshot(), summarize(emptySnapshot()));
    expect(labels(items)).toEqual(['Nothing running', '---', 'Team sync: off', '---', 'Open Pitwall', 'Quit Pitwall']);
    expect(items.at(-2)).toEqual({ type: 'action', label: 'Open Pitwall', action: { kind: 'open', route: '' } });
    expect(items.at(-1)).toEqual({ type: 'action', label: 'Quit Pitwall', action: { kind: 'quit' } });
  });

  it('offers Allow and Deny for each pending approval, and opens the page for the rest', () => {
    const s = snapshot({ approvals: ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((id) => approval(id)) });
    const items = trayMenu(s, summarize(s));
    expect(labels(items).slice(0, 3)).toEqual(['7 approvals waiting', '---', 'Approvals waiting (7)']);
    const first = items[3]!;
    expect(first).toMatchObject({ type: 'submenu', label: 'Bash · billing: $ npm run a' });
    expect(first.type === 'submenu' && first.items).toEqual([
      { type: 'action', label: 'Allow', action: { kind: 'decide', approvalId: 'a', decision: 'allow' } },
      { type: 'action', label: 'Deny', action: { kind: 'decide', approvalId: 'a', decision: 'deny' } },
      { type: 'separator' },
      { type: 'action', label: 'Show in Pitwall', action: { kind: 'open', route: 'approvals' } },
    ]);
    expect(items.filter((i) => i.type === 'submenu')).toHaveLength(5);
    expect(items).toContainEqual({ type: 'action', label: '2 more approvals…', action: { kind: 'open', route: 'approvals' } });
  });

  it('groups running agents by project, each opening its session, and lists tasks to review', () => {
    const s = snapshot({
      agents: [agent('s1', 'web'), agent('s2', 'billing', { activity: 'waiting_for_input' }), agent('s3', 'web', { status: 'queued', activity: null }), agent('s4', null)],
      review: [{ id: 't1', title: 'Dark mode', projectName: 'web', sessionId: 's9' }],
      sync: { state: 'ok', detail: null },
    });
    const items = trayMenu(s, summarize(s));
    const groups = items.filter((i): i is Extract<TrayMenuItem, { type: 'submenu' }> => i.type === 'submenu');
    expect(groups.map((g) => g.label)).toEqual(['billing (1)', 'No project (1)', 'web (2)']);
    expect(groups[0]!.items).toEqual([{ type: 'action', label: 'Task s2 — Claude Code (waiting for input)', action: { kind: 'open', route: 'sessions/s2' } }]);
    expect(groups[2]!.items.map((i) => i.type !== 'separator' && i.label)).toEqual(['Task s1 — Claude Code', 'Task s3 — Claude Code (queued)']);
    expect(items).toContainEqual({ type: 'label', label: 'Tasks to review (1)' });
    expect(items).toContainEqual({ type: 'action', label: 'Dark mode · web', action: { kind: 'open', route: 'tasks/t1' } });
    expect(items).toContainEqual({ type: 'label', label: 'Team sync: up to date' });
  });

  it('shows failing sync as an entry that opens the settings', () => {
    const s = snapshot({ sync: { state: 'failing', detail: 'the server refused the token' } });
    expect(trayMenu(s, summarize(s))).toContainEqual({ type: 'action', label: 'Team sync failing: the server refused the token', action: { kind: 'open', route: 'settings' } });
    const pushing = snapshot({ sync: { state: 'pushing', detail: '120 rows' } });
    expect(trayMenu(pushing, summarize(pushing))).toContainEqual({ type: 'label', label: 'Team sync: pushing 120 rows' });
  });

  it('keeps labels to one bounded line and doubles & so Electron shows it', () => {
    expect(menuLabel('git add . && git commit\n -m "x"')).toBe('git add . &&&& git commit -m "x"');
    const long = menuLabel('x'.repeat(200));
    expect(long).toHaveLength(60);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('tray support', () => {
  it('reads D-Bus NameHasOwner answers from gdbus and dbus-send', () => {
    expect(parseNameHasOwner('(true,)\n')).toBe(true);
    expect(parseNameHasOwner('(false,)\n')).toBe(false);
    expect(parseNameHasOwner('method return time=1 sender=org.freedesktop.DBus\n   boolean true\n')).toBe(true);
    expect(parseNameHasOwner('   boolean false\n')).toBe(false);
    expect(parseNameHasOwner('')).toBeNull();
  });

  it('is always there on macOS and Windows; on Linux it needs a StatusNotifier host, and says why not', async () => {
    const never = async () => null;
    expect(await probeTraySupport('darwin', {}, never)).toEqual({ available: true, reason: null });
    expect(await probeTraySupport('win32', {}, never)).toEqual({ available: true, reason: null });
    expect(await probeTraySupport('linux', {}, never)).toMatchObject({ available: false, reason: expect.stringContaining('no graphical session') });
    const gui = { DISPLAY: ':0', DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/user/1000/bus' };
    expect(await probeTraySupport('linux', { DISPLAY: ':0' }, never)).toMatchObject({ available: false, reason: expect.stringContaining('AppIndicator') });
    const asked: string[] = [];
    const noWatcher = async (command: string) => (asked.push(command), command === 'gdbus' ? '(false,)' : null);
    expect(await probeTraySupport('linux', gui, noWatcher)).toMatchObject({ available: false, reason: expect.stringContaining('GNOME') });
    expect(asked).toEqual(['gdbus']);
    expect(await probeTraySupport('linux', gui, async (c) => (c === 'dbus-send' ? 'boolean true' : null))).toEqual({ available: true, reason: null });
    // Without tools to ask, the tray is tried.
    expect(await probeTraySupport('linux', gui, never)).toEqual({ available: true, reason: null });
  });

  it('hides the window on close only with the setting, a tray, and no quit under way', () => {
    expect(closeAction({ closeToTray: true, trayAvailable: true, quitting: false })).toBe('hide');
    expect(closeAction({ closeToTray: false, trayAvailable: true, quitting: false })).toBe('close');
    expect(closeAction({ closeToTray: true, trayAvailable: false, quitting: false })).toBe('close');
    expect(closeAction({ closeToTray: true, trayAvailable: true, quitting: true })).toBe('close');
    expect(quitWhenAllClosed('linux', false)).toBe(true);
    expect(quitWhenAllClosed('linux', true)).toBe(false);
    expect(quitWhenAllClosed('darwin', false)).toBe(false);
  });
});
