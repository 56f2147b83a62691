import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { inThreadLines, type LineBatches, type LineBatchSource } from './line-batches';
import { readFrom } from './line-reader';
import type { IngestProblem, TranscriptSourceId } from './parsed';
import { parseGeminiSession } from './parsers/gemini';
import { isLineSource, lineParserOf, type LineSourceId } from './parsers/line-parsers';
import { parseVscodeSession, replayMutationLog, vscodeSessionIdFromPath } from './parsers/vscode-copilot';
import { vscodeWorkspaceFolder } from './transcript-sources';
import type { FileCursor, TranscriptStore } from './transcript-store';

/** What happened to a file on one ingest. */
export interface IngestResult {
  path: string;
  /** `unchanged`: nothing new; `partial`: a half-written file to try again; `gone`: the file vanished (rows kept). */
  outcome: 'ingested' | 'unchanged' | 'partial' | 'gone' | 'failed';
  sessionId: string | null;
  bytes: number;
  problems: number;
}

/** Whole-file sources (VS Code) larger than this are refused with a problem. */
export const MAX_WHOLE_FILE_BYTES = 256 * 1024 * 1024;
const HEAD_BYTES = 1024;
/** How many bytes of VS Code logs may be kept replayed in memory. */
const MAX_CACHED_LOG_BYTES = 256 * 1024 * 1024;

interface ReplayedLog {
  inode: number;
  offset: number;
  head: string | null;
  state: unknown;
}

/** A line file about to be written: where its read starts, and its batches, already asked for. */
interface PreparedLines {
  kind: 'lines';
  file: string;
  source: LineSourceId;
  stat: fs.Stats;
  cursor: FileCursor | null;
  /** Read again from the start: the file is new, or not the one the cursor was for. */
  replaced: boolean;
  offset: number;
  head: string | null;
  pathId: string | null;
  batches: LineBatches;
}

/** An ingest whose reads are begun and whose writes are not: see {@link TranscriptIngester.prepare}. */
export type PreparedIngest =
  | { kind: 'done'; result: IngestResult }
  | { kind: 'failed'; file: string; source: TranscriptSourceId; stat: fs.Stats | null; reason: string }
  | { kind: 'whole'; file: string; source: TranscriptSourceId; stat: fs.Stats; cursor: FileCursor | null }
  | PreparedLines;

const AGENT_KIND: Record<TranscriptSourceId, string> = { 'claude-code': 'claude-code', codex: 'codex', 'vscode-copilot': 'copilot', gemini: 'gemini' };

/** `<length>:<sha1>` of the first bytes already read: if they change, the file was replaced. */
async function headHash(file: string, length: number): Promise<string | null> {
  if (length === 0) return null;
  const handle = await fs.promises.open(file, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    return `${bytesRead}:${crypto.createHash('sha1').update(buffer.subarray(0, bytesRead)).digest('hex')}`;
  } finally {
    await handle.close();
  }
}

function headLength(hash: string | null): number {
  return hash ? Number(hash.split(':')[0]) : 0;
}

/**
 * Reads a transcript file into the store: only the new bytes of an append-only file, the whole file for
 * VS Code's sessions. Bad lines become problems on the file; the rest is still read.
 */
export class TranscriptIngester {
  /** Replayed VS Code mutation logs, newest use last, bounded by the size of their files. */
  private readonly logs = new Map<string, ReplayedLog>();

  constructor(readonly store: TranscriptStore) {}

  /**
   * The project folder of a Gemini chat: older CLIs keep chats under `tmp/<SHA-256 of the folder>/`,
   * matched against the registered folders; 0.61 under `tmp/<folder name>/` with the folder itself in
   * a `.project_root` file next to `chats/`.
   */
  private geminiFolder(file: string): string | null {
    const parts = file.split(path.sep);
    const chats = parts.lastIndexOf('chats');
    const name = chats > 0 ? parts[chats - 1] : undefined;
    if (!name) return null;
    if (/^[0-9a-f]{64}$/.test(name)) return this.store.projectFolders().find((folder) => crypto.createHash('sha256').update(folder).digest('hex') === name) ?? null;
    try {
      const root = fs.readFileSync(path.join(parts.slice(0, chats).join(path.sep), '.project_root'), 'utf8').trim();
      return path.isAbsolute(root) && !root.includes('\0') ? root : null;
    } catch {
      return null;
    }
  }

  private remember(file: string, log: ReplayedLog): void {
    this.logs.delete(file);
    this.logs.set(file, log);
    let total = [...this.logs.values()].reduce((n, l) => n + l.offset, 0);
    for (const [key, value] of this.logs) {
      if (total <= MAX_CACHED_LOG_BYTES || key === file) break;
      this.logs.delete(key);
      total -= value.offset;
    }
  }

  /** Reads what is new in `file` into the store, parsing its lines in this thread. */
  async ingest(file: string, source: TranscriptSourceId): Promise<IngestResult> {
    return this.complete(await this.prepare(file, source, inThreadLines));
  }

  /**
   * The first half of an ingest, which writes nothing: the file's stat and cursor and, for a line file,
   * where to read from, its lines asked of `lines` (a parse thread starts on them at once, while
   * the rows of an earlier file are still being written). Never throws: a failure is a prepared outcome.
   */
  async prepare(file: string, source: TranscriptSourceId, lines: LineBatchSource): Promise<PreparedIngest> {
    let stat: fs.Stats;
    try {
      stat = await fs.promises.stat(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return { kind: 'done', result: { path: file, outcome: 'gone', sessionId: null, bytes: 0, problems: 0 } };
      return { kind: 'failed', file, source, stat: null, reason: `cannot read the file: ${(error as Error).message}` };
    }
    const cursor = this.store.cursor(file);
    if (cursor && cursor.size === stat.size && cursor.mtimeMs === Math.floor(stat.mtimeMs) && cursor.inode === stat.ino && cursor.status !== 'retrying') {
      return { kind: 'done', result: { path: file, outcome: 'unchanged', sessionId: cursor.sessionId, bytes: 0, problems: 0 } };
    }
    // Gemini's older chats are whole .json files; every other .jsonl is read line by line.
    if (!file.endsWith('.jsonl') || !isLineSource(source)) return { kind: 'whole', file, source, stat, cursor };
    try {
      return await this.prepareLines(file, source, stat, cursor, lines);
    } catch (error) {
      return { kind: 'failed', file, source, stat, reason: `cannot read the file: ${(error as Error).message}` };
    }
  }

  /** The second half of an ingest: writes what {@link prepare} began, in batches, and answers what happened. */
  async complete(prepared: PreparedIngest): Promise<IngestResult> {
    if (prepared.kind === 'done') return prepared.result;
    if (prepared.kind === 'failed') return this.unreadable(prepared.file, prepared.source, prepared.stat, prepared.reason);
    const { file, source, stat } = prepared;
    try {
      return prepared.kind === 'lines' ? await this.writeLines(prepared) : await this.ingestWhole(file, source, stat, prepared.cursor);
    } catch (error) {
      return this.unreadable(file, source, stat, `cannot read the file: ${(error as Error).message}`);
    } finally {
      // Whatever ended the writes, the lines left unread are not wanted: a parse thread must not keep them (and its credits).
      this.abandon(prepared);
    }
  }

  /** Lets go of what a prepared ingest still reads (a stopped scan; a file whose writes failed): its lines are no longer read. */
  abandon(prepared: PreparedIngest): void {
    if (prepared.kind === 'lines') prepared.batches.cancel();
  }

  private unreadable(file: string, source: TranscriptSourceId, stat: fs.Stats | null, reason: string): IngestResult {
    const cursor = this.store.cursor(file);
    this.store.recordProblems(
      {
        path: file,
        source,
        size: stat?.size ?? cursor?.size ?? 0,
        mtimeMs: stat ? Math.floor(stat.mtimeMs) : (cursor?.mtimeMs ?? 0),
        inode: stat?.ino ?? cursor?.inode ?? null,
        offset: cursor?.offset ?? 0,
        headHash: cursor?.headHash ?? null,
        state: cursor?.state ?? '{}',
        status: 'problem',
      },
      [{ offset: cursor?.offset ?? 0, reason }],
    );
    return { path: file, outcome: 'failed', sessionId: cursor?.sessionId ?? null, bytes: 0, problems: 1 };
  }

  /** Where a line file is read from (its end, or its start when it was replaced) and with what parser state. */
  private async prepareLines(file: string, source: LineSourceId, stat: fs.Stats, cursor: FileCursor | null, lines: LineBatchSource): Promise<PreparedLines> {
    const parser = lineParserOf(source);
    const head = cursor?.headHash ?? null;
    const replaced =
      !cursor || cursor.inode !== stat.ino || stat.size < cursor.offset || (head !== null && (await headHash(file, headLength(head))) !== head);
    const pathId = parser.sessionIdFromPath(file);
    const offset = replaced || !cursor ? 0 : cursor.offset;
    const state: unknown = replaced || !cursor ? parser.initialState(pathId, file) : JSON.parse(cursor.state);
    const batches = lines.open({ file, source, offset, state, size: stat.size, mtimeMs: stat.mtimeMs });
    return { kind: 'lines', file, source, stat, cursor, replaced, offset, head: replaced ? null : head, pathId, batches };
  }

  /** Writes a line file's batches as they come, each in one transaction with the cursor after it. */
  private async writeLines(prepared: PreparedLines): Promise<IngestResult> {
    const { file, source, stat, cursor, replaced, pathId } = prepared;
    let { head } = prepared;
    let end = prepared.offset;
    let problems = 0;
    let restart = replaced;
    let sessionId: string | null = cursor?.sessionId ?? null;
    for await (const batch of prepared.batches) {
      const out = batch.output;
      if (head === null || headLength(head) < Math.min(HEAD_BYTES, batch.end)) head = await headHash(file, Math.min(HEAD_BYTES, batch.end));
      // The lines say whose session this is (a copy under another name is the same one); the path only when they cannot.
      const externalId = batch.sessionId ?? pathId;
      if (source === 'gemini' && !out.session.cwd) {
        // Also for an aborted or empty run: it still ran in a folder, and is named for it.
        out.session.cwd = this.geminiFolder(file) ?? undefined;
        if (out.session.cwd && out.messages.length === 0) out.session.fallbackTitle ??= `Gemini CLI in ${path.basename(out.session.cwd)}`;
      }
      problems += out.problems.length;
      sessionId =
        this.store.apply({
          cursor: { path: file, source, size: stat.size, mtimeMs: Math.floor(stat.mtimeMs), inode: stat.ino, offset: batch.end, headHash: head, state: batch.state, status: 'ok' },
          source,
          agentKind: AGENT_KIND[source],
          externalId,
          output: out,
          reconcile: false,
          restart,
        }) ?? sessionId;
      restart = false;
      end = batch.end;
    }
    const from = replaced ? 0 : (cursor?.offset ?? 0);
    return { path: file, outcome: replaced || end > from ? 'ingested' : 'unchanged', sessionId, bytes: end - from, problems };
  }

  private async ingestWhole(file: string, source: TranscriptSourceId, stat: fs.Stats, cursor: FileCursor | null): Promise<IngestResult> {
    const base = { path: file, source, size: stat.size, mtimeMs: Math.floor(stat.mtimeMs), inode: stat.ino, headHash: null, state: '{}' } as const;
    if (stat.size > MAX_WHOLE_FILE_BYTES) {
      this.store.recordProblems({ ...base, offset: cursor?.offset ?? 0, status: 'problem' }, [{ offset: 0, reason: `file of ${stat.size} bytes is larger than the ${MAX_WHOLE_FILE_BYTES / 1024 / 1024} MB limit` }]);
      return { path: file, outcome: 'failed', sessionId: cursor?.sessionId ?? null, bytes: 0, problems: 1 };
    }
    let data: unknown;
    const problems: IngestProblem[] = [];
    let consumed: number;
    let bytesRead: number;
    if (file.endsWith('.jsonl')) {
      // While running, the replayed log is kept: an append applies only its new lines.
      const cached = this.logs.get(file);
      const resume = cached && cached.inode === stat.ino && stat.size >= cached.offset && (await headHash(file, headLength(cached.head))) === cached.head ? cached : null;
      const from = resume?.offset ?? 0;
      const buffer = await readFrom(file, from);
      bytesRead = buffer.length;
      // Only complete lines: the last one may still be being written, unless it is already whole JSON.
      let complete = buffer.lastIndexOf(10) + 1;
      if (complete < buffer.length && isWholeJson(buffer.toString('utf8', complete))) complete = buffer.length;
      consumed = from + complete;
      const lines: { text: string; offset: number }[] = [];
      let start = 0;
      while (start < complete) {
        const newline = buffer.indexOf(10, start);
        const end = newline === -1 || newline >= complete ? complete : newline;
        lines.push({ text: buffer.toString('utf8', start, end), offset: from + start });
        start = end + 1;
      }
      const replay = replayMutationLog(lines, resume?.state);
      data = replay.state;
      problems.push(...replay.problems);
      if (data === undefined) {
        this.logs.delete(file);
        if (consumed === 0) return this.retryLater(base, cursor);
        this.store.recordProblems({ ...base, offset: 0, status: 'problem' }, problems.length ? problems : [{ offset: 0, reason: 'no initial snapshot line' }]);
        return { path: file, outcome: 'failed', sessionId: cursor?.sessionId ?? null, bytes: bytesRead, problems: problems.length || 1 };
      }
      this.remember(file, { inode: stat.ino, offset: consumed, head: await headHash(file, Math.min(HEAD_BYTES, consumed)), state: data });
    } else {
      const buffer = await fs.promises.readFile(file);
      bytesRead = consumed = buffer.length;
      try {
        data = JSON.parse(buffer.toString('utf8').replace(/^\uFEFF/, ''));
      } catch {
        // VS Code rewrites the file in place; a read can land mid-write. Try again, never treat it as gone.
        return this.retryLater(base, cursor);
      }
    }
    let parsed: ReturnType<typeof parseVscodeSession>;
    try {
      parsed = source === 'gemini' ? parseGeminiSession(data, null) : parseVscodeSession(data, vscodeSessionIdFromPath(file));
    } catch (error) {
      this.store.recordProblems({ ...base, offset: 0, status: 'problem' }, [{ offset: 0, reason: (error as Error).message }]);
      return { path: file, outcome: 'failed', sessionId: cursor?.sessionId ?? null, bytes: 0, problems: 1 };
    }
    const { sessionId: externalId, ...output } = parsed;
    output.problems.push(...problems);
    if (source === 'vscode-copilot') output.session.cwd ??= vscodeWorkspaceFolder(file) ?? undefined;
    if (source === 'gemini') output.session.cwd ??= this.geminiFolder(file) ?? undefined;
    const sessionId = this.store.apply({
      cursor: { ...base, offset: consumed, status: 'ok' },
      source,
      agentKind: AGENT_KIND[source],
      externalId,
      output,
      reconcile: true,
      // A VS Code session is its whole state: requests it no longer holds were removed or undone.
      prune: source === 'vscode-copilot',
      restart: true,
    });
    return { path: file, outcome: 'ingested', sessionId, bytes: bytesRead, problems: output.problems.length };
  }

  private retryLater(base: Omit<FileCursor, 'offset' | 'status' | 'sessionId' | 'problemCount'>, cursor: FileCursor | null): IngestResult {
    this.store.recordProblems({ ...base, offset: cursor?.offset ?? 0, status: 'retrying' }, []);
    return { path: base.path, outcome: 'partial', sessionId: cursor?.sessionId ?? null, bytes: 0, problems: 0 };
  }
}

function isWholeJson(text: string): boolean {
  if (text.trim() === '') return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

