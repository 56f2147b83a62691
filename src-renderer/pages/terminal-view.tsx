import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef, useState } from 'react';
import { getClient } from '../api/client';

const encoder = new TextEncoder();

function terminalTheme() {
  const dark = window.matchMedia('(prefers-color-scheme: dark)').matches;
  return dark
    ? { background: '#14161a', foreground: '#d7dae0', cursor: '#e6e6e6', selectionBackground: '#3a4560' }
    : { background: '#fbfbfc', foreground: '#1f2328', cursor: '#1f2328', selectionBackground: '#bcd3f5' };
}

/**
 * A live terminal for one session: replays the kept scrollback, then streams output from the
 * offset the replay ended at (no gap, no repeat); keystrokes, paste and resizes go to the pty.
 */
export function TerminalView({ sessionId, live }: { sessionId: string; live: boolean }) {
  const host = useRef<HTMLDivElement>(null);
  const termRef = useRef<Terminal | null>(null);
  const searchRef = useRef<SearchAddon | null>(null);
  const [query, setQuery] = useState('');

  useEffect(() => {
    const client = getClient();
    const term = new Terminal({ cursorBlink: true, fontFamily: 'ui-monospace, "SF Mono", Menlo, Consolas, "DejaVu Sans Mono", monospace', fontSize: 13, scrollback: 10_000, theme: terminalTheme(), allowProposedApi: true });
    const fit = new FitAddon();
    const search = new SearchAddon();
    term.loadAddon(fit);
    term.loadAddon(search);
    term.loadAddon(new WebLinksAddon());
    term.open(host.current!);
    termRef.current = term;
    searchRef.current = search;

    // Copy with Ctrl+Shift+C (Ctrl+C stays an interrupt for the agent); paste with Ctrl+Shift+V.
    term.attachCustomKeyEventHandler((e) => {
      if (e.type === 'keydown' && e.ctrlKey && e.shiftKey && e.code === 'KeyC') {
        void navigator.clipboard?.writeText(term.getSelection());
        return false;
      }
      if (e.type === 'keydown' && e.ctrlKey && e.shiftKey && e.code === 'KeyV') {
        void navigator.clipboard?.readText().then((text) => term.paste(text));
        return false;
      }
      return true;
    });

    let replayEnd: number | null = null;
    const early: { offset: number; data: string }[] = [];
    const write = (offset: number, data: string): void => {
      if (replayEnd !== null && offset < replayEnd) {
        const bytes = encoder.encode(data);
        if (offset + bytes.length <= replayEnd) return;
        term.write(bytes.subarray(replayEnd - offset));
        return;
      }
      term.write(data);
    };
    const off = client.on('sessions:output', (p) => {
      if (p.sessionId !== sessionId) return;
      if (replayEnd === null) early.push(p);
      else write(p.offset, p.data);
    });
    // Output comes only to views watching the terminal: watch first, then ask for the scrollback, so
    // the live stream picks up where the scrollback ends.
    const watch = client.watchTerminal(sessionId);
    let closed = false;
    void watch.ready.then(() => (closed ? null : client.api.sessions.scrollback({ sessionId }))).then((r) => {
      if (!r) return;
      if (r.ok) {
        term.write(r.value.data);
        replayEnd = r.value.offset;
      } else {
        term.write(`\r\n\x1b[31m${r.error.message}\x1b[0m\r\n`);
        replayEnd = 0;
      }
      for (const p of early.splice(0)) write(p.offset, p.data);
    });

    // Keystrokes must arrive in order: one request in flight at a time, the rest batched behind it.
    let queued = '';
    let sending = false;
    const flushInput = (): void => {
      if (sending || !queued) return;
      const data = queued;
      queued = '';
      sending = true;
      void client.api.sessions.input({ sessionId, data }).finally(() => {
        sending = false;
        flushInput();
      });
    };
    const input = term.onData((data) => {
      queued += data;
      flushInput();
    });
    let resizeTimer: ReturnType<typeof setTimeout> | null = null;
    const resize = term.onResize(({ cols, rows }) => {
      if (resizeTimer) clearTimeout(resizeTimer);
      resizeTimer = setTimeout(() => void client.api.sessions.resize({ sessionId, cols, rows }), 80);
    });
    const observer = new ResizeObserver(() => {
      try {
        fit.fit();
      } catch {
        // Not laid out yet.
      }
    });
    observer.observe(host.current!);
    fit.fit();
    // xterm's focus() scrolls its hidden textarea into view, which moved the page.
    term.textarea?.focus({ preventScroll: true });
    return () => {
      closed = true;
      watch.dispose();
      observer.disconnect();
      off();
      input.dispose();
      resize.dispose();
      if (resizeTimer) clearTimeout(resizeTimer);
      term.dispose();
      termRef.current = null;
    };
  }, [sessionId]);

  useEffect(() => {
    if (termRef.current) termRef.current.options.disableStdin = !live;
  }, [live]);

  return (
    <div className="terminal-wrap">
      <div className="terminal-search">
        <label htmlFor={`search-${sessionId}`} className="visually-hidden">
          Search the terminal
        </label>
        <input
          id={`search-${sessionId}`}
          placeholder="Search output"
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            if (e.target.value) searchRef.current?.findNext(e.target.value, { incremental: true });
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter') searchRef.current?.[e.shiftKey ? 'findPrevious' : 'findNext'](query);
            if (e.key === 'Escape') termRef.current?.focus();
          }}
        />
      </div>
      <div className="pw-terminal" ref={host} data-testid="terminal" />
    </div>
  );
}
