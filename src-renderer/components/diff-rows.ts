import type { DiffFile } from '../../src-common/domain/diff';

/** One rendered row of a diff, unified or split. */
export type DiffRow =
  | { kind: 'file'; fileIndex: number; file: DiffFile }
  | { kind: 'note'; fileIndex: number; text: string }
  | { kind: 'hunk'; fileIndex: number; hunkIndex: number; header: string }
  | { kind: 'line'; fileIndex: number; side: 'unified'; type: 'context' | 'add' | 'del'; oldNo: number | null; newNo: number | null; text: string }
  | {
      kind: 'pair';
      fileIndex: number;
      left: { type: 'context' | 'del'; no: number; text: string } | null;
      right: { type: 'context' | 'add'; no: number; text: string } | null;
    };

/** Flattens files into rows for a virtualized list; collapsed files keep only their header. */
export function diffRows(files: DiffFile[], mode: 'unified' | 'split', expanded: ReadonlySet<number>): DiffRow[] {
  const rows: DiffRow[] = [];
  files.forEach((file, fileIndex) => {
    rows.push({ kind: 'file', fileIndex, file });
    const open = file.collapsed ? expanded.has(fileIndex) : !expanded.has(-fileIndex - 1);
    if (!open) return;
    if (file.binary) rows.push({ kind: 'note', fileIndex, text: 'Binary file' });
    else if (file.hunks.length === 0) rows.push({ kind: 'note', fileIndex, text: file.status === 'renamed' ? 'Renamed without changes' : file.status === 'copied' ? 'Copied without changes' : file.oldMode !== file.newMode ? `Mode ${file.oldMode} → ${file.newMode}` : 'No content changes' });
    else if (file.newMode === '160000' || file.oldMode === '160000') rows.push({ kind: 'note', fileIndex, text: 'Submodule: the line is the commit it points at' });
    else if (file.newMode === '120000' || file.oldMode === '120000') rows.push({ kind: 'note', fileIndex, text: 'Symbolic link: the lines are its target' });
    file.hunks.forEach((hunk, hunkIndex) => {
      rows.push({ kind: 'hunk', fileIndex, hunkIndex, header: hunk.header });
      if (mode === 'unified') {
        for (const l of hunk.lines) rows.push({ kind: 'line', fileIndex, side: 'unified', type: l.kind, oldNo: l.oldNo, newNo: l.newNo, text: l.text });
        return;
      }
      // Split: deletions and additions of one change side by side, context on both sides.
      let dels: { no: number; text: string }[] = [];
      let adds: { no: number; text: string }[] = [];
      const flush = (): void => {
        for (let i = 0; i < Math.max(dels.length, adds.length); i++) {
          const d = dels[i];
          const a = adds[i];
          rows.push({ kind: 'pair', fileIndex, left: d ? { type: 'del', ...d } : null, right: a ? { type: 'add', ...a } : null });
        }
        dels = [];
        adds = [];
      };
      for (const l of hunk.lines) {
        if (l.kind === 'del') dels.push({ no: l.oldNo!, text: l.text });
        else if (l.kind === 'add') adds.push({ no: l.newNo!, text: l.text });
        else {
          flush();
          rows.push({ kind: 'pair', fileIndex, left: { type: 'context', no: l.oldNo!, text: l.text }, right: { type: 'context', no: l.newNo!, text: l.text } });
        }
      }
      flush();
    });
  });
  return rows;
}
