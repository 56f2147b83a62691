import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { DiffFile, WorktreeDiff } from '../../src-common/domain/diff';
import { diffRows, type DiffRow } from './diff-rows';
import { plural } from '../format';
import { highlightLine, languageFor } from './syntax';

const ROW_HEIGHT = 20;
const OVERSCAN = 20;

/** A comment a reviewer left on a line, to be sent to the agent. */
export interface LineComment {
  path: string;
  line: number;
  text: string;
}

/** A name on one line: the tabs and newlines a file name may hold are shown as git writes them. */
function shown(name: string): string {
  return name.replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

function fileName(f: DiffFile): string {
  return f.newPath ?? f.oldPath ?? '(unknown)';
}

function Code({ text, language }: { text: string; language: string | null }) {
  // highlight.js escapes the text it returns.
  return <code dangerouslySetInnerHTML={{ __html: highlightLine(text, language) || '&nbsp;' }} />;
}

/** Opening a changed file in the editor: the label (`Open in VS Code`) and what a click does. */
export interface DiffOpener {
  label: string;
  open(path: string, line: number | null): void;
}

/**
 * A diff with a file tree, unified and split views, syntax highlighting, keyboard jumps between
 * files (n / p) and hunks (j / k), comments on lines, and (with `opener`) opening a file at a line
 * in the editor (the button on a line, the file header, or `o` for the line at the top). Only the
 * rows on screen are rendered, so a 20,000-line diff scrolls like a short one.
 */
export function DiffViewer({ diff, onComment, opener }: { diff: WorktreeDiff; onComment?: (comment: LineComment) => void; opener?: DiffOpener }) {
  const [mode, setMode] = useState<'unified' | 'split'>('unified');
  const [expanded, setExpanded] = useState<Set<number>>(new Set());
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);
  const [commenting, setCommenting] = useState<{ path: string; line: number } | null>(null);
  const [draft, setDraft] = useState('');
  const scroller = useRef<HTMLDivElement>(null);
  const rows = useMemo(() => diffRows(diff.files, mode, expanded), [diff.files, mode, expanded]);
  const languages = useMemo(() => diff.files.map((f) => languageFor(fileName(f))), [diff.files]);
  const secretPaths = useMemo(() => new Set(diff.secrets.map((s) => s.path)), [diff.secrets]);

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setHeight(el.clientHeight));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);

  const jump = (predicate: (row: DiffRow) => boolean, direction: 1 | -1): void => {
    const current = Math.floor((scroller.current?.scrollTop ?? 0) / ROW_HEIGHT);
    for (let i = current + direction; i >= 0 && i < rows.length; i += direction) {
      if (predicate(rows[i]!)) {
        scroller.current?.scrollTo({ top: i * ROW_HEIGHT });
        return;
      }
    }
  };
  const scrollToFile = (fileIndex: number): void => {
    const i = rows.findIndex((r) => r.kind === 'file' && r.fileIndex === fileIndex);
    if (i >= 0) scroller.current?.scrollTo({ top: i * ROW_HEIGHT });
  };
  /** The file and new-side line of the first line at the top of the view, for `o` (a file without lines opens at its top). */
  const topLine = (): { path: string; line: number | null } | null => {
    const start = Math.floor((scroller.current?.scrollTop ?? 0) / ROW_HEIGHT);
    let fallback: { path: string; line: number | null } | null = null;
    for (let i = start; i < rows.length; i++) {
      const row = rows[i]!;
      const file = diff.files[row.fileIndex]!;
      if (file.status === 'deleted' || !file.newPath) continue;
      const no = row.kind === 'line' ? row.newNo : row.kind === 'pair' ? (row.right?.no ?? null) : null;
      if (no !== null) return { path: file.newPath, line: no };
      fallback ??= { path: file.newPath, line: null };
    }
    return fallback;
  };
  const onKey = (e: KeyboardEvent): void => {
    if (e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement) return;
    if (e.key === 'o' && opener) {
      const at = topLine();
      if (at) opener.open(at.path, at.line);
    } else if (e.key === 'n') jump((r) => r.kind === 'file', 1);
    else if (e.key === 'p') jump((r) => r.kind === 'file', -1);
    else if (e.key === 'j') jump((r) => r.kind === 'hunk', 1);
    else if (e.key === 'k') jump((r) => r.kind === 'hunk', -1);
    else return;
    e.preventDefault();
  };
  const toggle = (fileIndex: number, collapsedByDefault: boolean): void => {
    setExpanded((prev) => {
      const next = new Set(prev);
      const key = collapsedByDefault ? fileIndex : -fileIndex - 1;
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });
  };
  const lineButton = (path: string, no: number | null) =>
    no === null || !onComment ? (
      <span className="ln">{no ?? ''}</span>
    ) : (
      <button type="button" className="ln" title="Comment on this line" onClick={() => setCommenting({ path, line: no })}>
        {no}
      </button>
    );

  /** A hover button that opens the file at this (new-side) line. */
  const openButton = (file: DiffFile, line: number | null) =>
    opener && line !== null && file.newPath && file.status !== 'deleted' ? (
      <button type="button" className="open-line" tabIndex={-1} title={`${opener.label} at ${file.newPath}:${line}`} aria-label={`${opener.label} at ${file.newPath} line ${line}`} onClick={() => opener.open(file.newPath!, line)}>
        Open ↗
      </button>
    ) : null;

  const renderRow = (row: DiffRow) => {
    const file = diff.files[row.fileIndex]!;
    const path = fileName(file);
    const lang = languages[row.fileIndex] ?? null;
    switch (row.kind) {
      case 'file': {
        const header = (
          <button type="button" className="diff-file-header" onClick={() => toggle(row.fileIndex, row.file.collapsed)} aria-expanded={row.file.collapsed ? expanded.has(row.fileIndex) : !expanded.has(-row.fileIndex - 1)}>
            <span className={`file-status status-${row.file.status}`}>{row.file.status}</span>
            <span className="mono diff-file-name" title={shown(row.file.status === 'renamed' || row.file.status === 'copied' ? `${row.file.oldPath} → ${row.file.newPath}` : path)}>
              {shown(row.file.status === 'renamed' || row.file.status === 'copied' ? `${row.file.oldPath} → ${row.file.newPath}` : path)}
            </span>
            <span className="add">+{row.file.additions}</span>
            <span className="del">−{row.file.deletions}</span>
            {row.file.collapsed ? <span className="muted small">collapsed by default</span> : null}
          </button>
        );
        if (!opener || !row.file.newPath || row.file.status === 'deleted') return header;
        const firstLine = row.file.hunks.flatMap((h) => h.lines).find((l) => l.kind === 'add')?.newNo ?? row.file.hunks[0]?.lines.find((l) => l.newNo !== null)?.newNo ?? null;
        return (
          <div className="diff-file-header-row">
            {header}
            <button type="button" className="diff-open" title={`${opener.label} at ${row.file.newPath}${firstLine ? `:${firstLine}` : ''}`} onClick={() => opener.open(row.file.newPath!, firstLine)}>
              {opener.label}
            </button>
          </div>
        );
      }
      case 'note':
        return <div className="diff-note muted">{row.text}</div>;
      case 'hunk':
        return <div className="diff-hunk mono">{row.header}</div>;
      case 'line':
        return (
          <div className={`diff-line ${row.type}`}>
            {lineButton(path, row.oldNo)}
            {lineButton(path, row.newNo)}
            <span className="sign">{row.type === 'add' ? '+' : row.type === 'del' ? '−' : ' '}</span>
            <Code text={row.text} language={lang} />
            {openButton(file, row.newNo)}
          </div>
        );
      case 'pair':
        return (
          <div className="diff-pair">
            <div className={`diff-line half ${row.left?.type ?? 'empty'}`}>
              {row.left ? lineButton(path, row.left.no) : <span className="ln" />}
              {row.left ? <Code text={row.left.text} language={lang} /> : null}
            </div>
            <div className={`diff-line half ${row.right?.type ?? 'empty'}`}>
              {row.right ? lineButton(path, row.right.no) : <span className="ln" />}
              {row.right ? <Code text={row.right.text} language={lang} /> : null}
              {openButton(file, row.right?.no ?? null)}
            </div>
          </div>
        );
    }
  };

  return (
    <div className="diff-viewer" onKeyDown={onKey}>
      <aside className="diff-tree" aria-label="Changed files">
        <div className="muted small">
          {plural(diff.files.length, 'file')} · <span className="add">+{diff.additions}</span> <span className="del">−{diff.deletions}</span>
        </div>
        <ul>
          {diff.files.map((f, i) => (
            <li key={`${fileName(f)}-${i}`}>
              <button type="button" className="tree-item" onClick={() => scrollToFile(i)} title={shown(fileName(f))}>
                <span className={`dot status-${f.status}`} aria-hidden="true" />
                <span className="mono ellipsis">{shown(fileName(f))}</span>
                {secretPaths.has(fileName(f)) ? (
                  <span className="secret-mark" title="Looks like a secret" aria-label="looks like a secret">
                    ⚠
                  </span>
                ) : null}
                <span className="add small">+{f.additions}</span>
                <span className="del small">−{f.deletions}</span>
              </button>
            </li>
          ))}
        </ul>
      </aside>
      <div className="diff-main">
        <div className="row diff-toolbar">
          <div role="radiogroup" aria-label="Diff view" className="segmented">
            {(['unified', 'split'] as const).map((m) => (
              <button key={m} type="button" role="radio" aria-checked={mode === m} className={mode === m ? 'active' : ''} onClick={() => setMode(m)}>
                {m === 'unified' ? 'Unified' : 'Split'}
              </button>
            ))}
          </div>
          <span className="muted small">
            n / p: next / previous file · j / k: next / previous hunk{opener ? ' · o: open in the editor' : ''}{onComment ? ' · click a line number to comment' : ''}
          </span>
        </div>
        {commenting ? (
          <form
            className="row comment-form"
            onSubmit={(e) => {
              e.preventDefault();
              if (draft.trim() && onComment) onComment({ ...commenting, text: draft.trim() });
              setDraft('');
              setCommenting(null);
            }}
          >
            <label htmlFor="line-comment" className="small mono">
              {commenting.path}:{commenting.line}
            </label>
            <input id="line-comment" className="grow" autoFocus value={draft} onChange={(e) => setDraft(e.target.value)} onKeyDown={(e) => e.key === 'Escape' && setCommenting(null)} />
            <button type="submit" className="button small">
              Add comment
            </button>
          </form>
        ) : null}
        {diff.files.length === 0 ? (
          <p className="muted">No changes against {diff.baseRef} yet.</p>
        ) : (
          <div className="diff-scroll" ref={scroller} tabIndex={0} aria-label="Diff" data-testid="diff" style={{ height: rows.length * ROW_HEIGHT + 2 }} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}>
            <div style={{ height: rows.length * ROW_HEIGHT, position: 'relative' }}>
              {rows.slice(first, last).map((row, i) => (
                <div key={first + i} className="diff-row" style={{ top: (first + i) * ROW_HEIGHT, height: ROW_HEIGHT }}>
                  {renderRow(row)}
                </div>
              ))}
            </div>
          </div>
        )}
      </div>
    </div>
  );
}
