import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { EditorInfo, EditorsInfo } from '../../src-common/domain/ide';
import { getClient } from '../api/client';
import { useResource, type Resource } from '../hooks/use-resource';

/** What "Open in" opens: a worktree or a session's folder. */
export type OpenTarget = { worktreeId: string } | { sessionId: string };

/** The editors found on the machine running Pitwall (re-read when the preferred one changes). */
export function useEditors(): Resource<EditorsInfo> {
  return useResource(() => getClient().api.ide.list({}), [], ['settings:changed']);
}

/** The editor a plain click uses. */
export function preferredOf(info: EditorsInfo | null): EditorInfo | null {
  if (!info) return null;
  return info.editors.find((e) => e.id === info.preferred) ?? info.editors[0] ?? null;
}

/** The words on an "open" button: "Open in Zed", or "Open with Default app" for the system opener. */
export function openLabel(editor: Pick<EditorInfo, 'name' | 'family'>): string {
  return editor.family === 'system' ? `Open with ${editor.name}` : `Open in ${editor.name}`;
}

/** Opens a file of a target at a line in the preferred editor; answers the error text, if any. */
export async function openFileAt(target: OpenTarget, path: string, line: number | null, editorId?: string): Promise<string | null> {
  const result = await getClient().api.ide.open({ ...target, path, ...(line !== null ? { line } : {}), ...(editorId ? { editorId } : {}) });
  return result.ok ? null : result.error.message;
}

/**
 * "Open in <editor>" for a worktree or a session: a click opens the folder in the preferred
 * editor; the arrow lists every editor found and a terminal (choosing one makes it the
 * preferred). Keyboard: arrows move through the list, Escape closes it.
 */
export function OpenInMenu({ target, what }: { target: OpenTarget; what: string }) {
  const editors = useEditors();
  const [open, setOpen] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const menu = useRef<HTMLDivElement>(null);
  const toggle = useRef<HTMLButtonElement>(null);
  const preferred = preferredOf(editors.data);
  const isHeadless = !window.pitwall;

  useEffect(() => {
    if (!open) return;
    menu.current?.querySelector<HTMLButtonElement>('[role="menuitem"]')?.focus();
    const onDown = (e: MouseEvent): void => {
      if (!menu.current?.contains(e.target as Node) && !toggle.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);

  useEffect(() => {
    if (!message?.ok) return;
    const t = setTimeout(() => setMessage(null), 3000);
    return () => clearTimeout(t);
  }, [message]);

  const openIn = async (editor: EditorInfo, remember: boolean): Promise<void> => {
    setOpen(false);
    const result = await getClient().api.ide.open({ ...target, editorId: editor.id });
    setMessage(result.ok ? { ok: true, text: `Opened in ${result.value.editor}` } : { ok: false, text: result.error.message });
    if (result.ok && remember && editors.data?.preferred !== editor.id) void getClient().api.settings.update({ preferredEditor: editor.id });
  };
  const terminal = async (): Promise<void> => {
    setOpen(false);
    const result = await getClient().api.ide['open-terminal'](target);
    setMessage(result.ok ? { ok: true, text: result.value.terminal === 'Default terminal' ? 'Opened a terminal' : `Opened ${result.value.terminal}` } : { ok: false, text: result.error.message });
  };
  const onMenuKey = (e: KeyboardEvent): void => {
    const items = [...(menu.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]') ?? [])];
    const at = items.indexOf(document.activeElement as HTMLButtonElement);
    if (e.key === 'Escape') {
      setOpen(false);
      toggle.current?.focus();
    } else if (e.key === 'ArrowDown') items[(at + 1) % items.length]?.focus();
    else if (e.key === 'ArrowUp') items[(at - 1 + items.length) % items.length]?.focus();
    else return;
    e.preventDefault();
  };

  const hint = isHeadless ? ' (on the machine Pitwall runs on)' : '';
  return (
    <span className="open-in">
      <span className="split-button">
        <button
          type="button"
          className="button small"
          disabled={!preferred}
          title={preferred ? `${openLabel(preferred)}: ${what}${hint}` : 'No editor was found'}
          onClick={() => preferred && void openIn(preferred, false)}
        >
          {preferred ? openLabel(preferred) : editors.loading ? 'Open in…' : 'No editor found'}
        </button>
        <button ref={toggle} type="button" className="button small caret" aria-haspopup="menu" aria-expanded={open} aria-label={`More ways to open ${what}`} onClick={() => setOpen((v) => !v)}>
          ▾
        </button>
      </span>
      {open ? (
        <div ref={menu} className="menu" role="menu" aria-label={`Open ${what} in`} onKeyDown={onMenuKey}>
          {(editors.data?.editors ?? []).map((e) => (
            <button key={e.id} type="button" role="menuitem" className="menu-item" onClick={() => void openIn(e, true)}>
              {e.name}
              {e.id === preferred?.id ? <span className="muted small"> · default</span> : null}
            </button>
          ))}
          {editors.data && editors.data.editors.length === 0 ? (
            <p className="menu-note muted small">No editor found. Install VS Code, Cursor, Windsurf, Zed or a JetBrains IDE, or put its command on your PATH.</p>
          ) : null}
          <div className="menu-separator" role="separator" />
          <button type="button" role="menuitem" className="menu-item" disabled={!editors.data?.terminal} onClick={() => void terminal()}>
            {editors.data?.terminal ? 'Terminal' : 'No terminal found'}
            {editors.data?.terminal && editors.data.terminal.name !== 'Default terminal' ? <span className="muted small"> · {editors.data.terminal.name}</span> : null}
          </button>
          {isHeadless ? <p className="menu-note muted small">Opens on the machine Pitwall runs on.</p> : null}
        </div>
      ) : null}
      {message ? (
        <span role={message.ok ? 'status' : 'alert'} className={message.ok ? 'saved small' : 'field-error small'}>
          {message.text}
        </span>
      ) : null}
    </span>
  );
}

/** Opening a worktree's changed files from its diff, in the preferred editor; with the last error to show. */
export function useDiffOpener(worktreeId: string | null): { opener: { label: string; open(path: string, line: number | null): void } | undefined; error: string | null } {
  const editors = useEditors();
  const [error, setError] = useState<string | null>(null);
  const preferred = preferredOf(editors.data);
  if (!worktreeId || !preferred) return { opener: undefined, error };
  return {
    opener: { label: openLabel(preferred), open: (path, line) => void openFileAt({ worktreeId }, path, line).then(setError) },
    error,
  };
}
