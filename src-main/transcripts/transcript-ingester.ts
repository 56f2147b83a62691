import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { emptyOutput, type IngestProblem, type ParseOutput, type TranscriptSourceId } from './parsed';
import { readLines } from './line-reader';
import { claudeCodeParser } from './parsers/claude-code';
import { codexParser } from './parsers/codex';
import { geminiParser, parseGeminiSession } from './parsers/gemini';
import { lineContext, type LineParser } from './parsers/line-parser';
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

/** Lines longer than this are skipped with a problem recorded, never held in memory. */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;
/** A file untouched for this long has stopped changing: a last line without its newline is not being written any more. */
export const QUIET_MS = 10_000;
/** Whole-file sources (VS Code) larger than this are refused with a problem. */
export const MAX_WHOLE_FILE_BYTES = 256 * 1024 * 1024;
/** Rows are written in transactions of about this many bytes of input. */
const BATCH_BYTES = 4 * 1024 * 1024;
const HEAD_BYTES = 1024;
/** How many bytes of VS Code logs may be kept replayed in memory. */
const MAX_CACHED_LOG_BYTES = 256 * 1024 * 1024;

interface ReplayedLog {
  inode: number;
  offset: number;
  head: string | null;
  state: unknown;
}

/** The bytes of a file from `start` to its end. */
async function readFrom(file: string, start: number): Promise<Buffer> {
  if (start === 0) return fs.promises.readFile(file);
  const handle = await fs.promises.open(file, 'r');
  try {
    const { size } = await handle.stat();
    const buffer = Buffer.alloc(Math.max(0, size - start));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, start);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

const AGENT_KIND: Record<TranscriptSourceId, string> = { 'claude-code': 'claude-code', codex: 'codex', 'vscode-copilot': 'copilot', gemini: 'gemini' };
const LINE_PARSERS: Partial<Record<TranscriptSourceId, LineParser<unknown>>> = {
  'claude-code': claudeCodeParser as LineParser<unknown>,
  codex: codexParser as LineParser<unknown>,
  gemini: geminiParser as LineParser<unknown>,
};

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

  async ingest(file: string, source: TranscriptSourceId): Promise<IngestResult> {
    let stat: fs.Stats;
    try {
      stat = await fs.promises.stat(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return { path: file, outcome: 'gone', sessionId: null, bytes: 0, problems: 0 };
      return this.unreadable(file, source, null, `cannot read the file: ${(error as Error).message}`);
    }
    const cursor = this.store.cursor(file);
    if (cursor && cursor.size === stat.size && cursor.mtimeMs === Math.floor(stat.mtimeMs) && cursor.inode === stat.ino && cursor.status !== 'retrying') {
      return { path: file, outcome: 'unchanged', sessionId: cursor.sessionId, bytes: 0, problems: 0 };
    }
    try {
      // Gemini's older chats are whole .json files; every other .jsonl is read line by line.
      const parser = file.endsWith('.jsonl') ? LINE_PARSERS[source] : undefined;
      return parser ? await this.ingestLines(file, source, parser, stat, cursor) : await this.ingestWhole(file, source, stat, cursor);
    } catch (error) {
      return this.unreadable(file, source, stat, `cannot read the file: ${(error as Error).message}`);
    }
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

  private async ingestLines(file: string, source: TranscriptSourceId, parser: LineParser<unknown>, stat: fs.Stats, cursor: FileCursor | null): Promise<IngestResult> {
    let offset = cursor?.offset ?? 0;
    const startOffset = offset;
    let state: unknown = cursor ? JSON.parse(cursor.state) : null;
    let head = cursor?.headHash ?? null;
    const replaced =
      !cursor || cursor.inode !== stat.ino || stat.size < cursor.offset || (head !== null && (await headHash(file, headLength(head))) !== head);
    const pathId = parser.sessionIdFromPath(file);
    if (replaced) {
      offset = 0;
      state = parser.initialState(pathId, file);
      head = null;
    }
    let out = emptyOutput();
    let batchStart = offset;
    let problems = 0;
    let restart = replaced;
    let sessionId: string | null = cursor?.sessionId ?? null;
    const flush = async (end: number): Promise<void> => {
      if (head === null || headLength(head) < Math.min(HEAD_BYTES, end)) head = await headHash(file, Math.min(HEAD_BYTES, end));
      // The lines say whose session this is (a copy under another name is the same one); the path only when they cannot.
      const externalId = parser.sessionId(state) ?? pathId;
      if (source === 'gemini' && !out.session.cwd) {
        // Also for an aborted or empty run: it still ran in a folder, and is named for it.
        out.session.cwd = this.geminiFolder(file) ?? undefined;
        if (out.session.cwd && out.messages.length === 0) out.session.fallbackTitle ??= `Gemini CLI in ${path.basename(out.session.cwd)}`;
      }
      problems += out.problems.length;
      sessionId =
        this.store.apply({
          cursor: { path: file, source, size: stat.size, mtimeMs: Math.floor(stat.mtimeMs), inode: stat.ino, offset: end, headHash: head, state: JSON.stringify(state), status: 'ok' },
          source,
          agentKind: AGENT_KIND[source],
          externalId,
          output: out,
          reconcile: false,
          restart,
        }) ?? sessionId;
      out = emptyOutput();
      batchStart = end;
      restart = false;
    };
    for await (const line of readLines(file, offset, MAX_LINE_BYTES)) {
      if (line.kind === 'oversize') {
        out.problems.push({ offset: line.offset, reason: `line of ${line.end - line.offset} bytes is longer than the ${MAX_LINE_BYTES / 1024 / 1024} MB limit; skipped` });
      } else if (line.text.trim() !== '') {
        parseLineInto(parser, line.text, line.offset, state, out);
      }
      offset = line.end;
      if (offset - batchStart >= BATCH_BYTES) await flush(offset);
    }
    offset = await this.lastLine(file, parser, stat, offset, state, out);
    await flush(offset);
    const from = replaced ? 0 : startOffset;
    return { path: file, outcome: replaced || offset > from ? 'ingested' : 'unchanged', sessionId, bytes: offset - from, problems };
  }

  /**
   * A last line without its newline: read when it is a whole JSON value (a JSON object cannot be cut
   * short and still parse), else left for the writer to finish, and recorded as a problem once the file
   * has stopped changing. Answers where the read ends.
   */
  private async lastLine(file: string, parser: LineParser<unknown>, stat: fs.Stats, offset: number, state: unknown, out: ParseOutput): Promise<number> {
    const rest = stat.size - offset;
    if (rest <= 0) return offset;
    const quiet = Date.now() - stat.mtimeMs >= QUIET_MS;
    if (rest > MAX_LINE_BYTES) {
      if (quiet) out.problems.push({ offset, reason: `the last line (${rest} bytes, no newline) is longer than the ${MAX_LINE_BYTES / 1024 / 1024} MB limit; skipped` });
      return quiet ? stat.size : offset;
    }
    const tail = await readFrom(file, offset);
    const text = tail.toString('utf8').replace(/\r$/, '');
    if (text.trim() === '') return offset + tail.length;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      if (quiet) out.problems.push({ offset, reason: `the last line (${rest} bytes) has no newline and is not complete JSON: the file stopped changing before it was finished` });
      return offset;
    }
    try {
      parser.parseLine(value, lineContext(offset), state, out);
    } catch (error) {
      out.problems.push({ offset, reason: (error as Error).message });
    }
    return offset + tail.length;
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

function parseLineInto(parser: LineParser<unknown>, text: string, offset: number, state: unknown, out: ParseOutput): void {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    out.problems.push({ offset, reason: `malformed JSON: ${(error as Error).message.slice(0, 200)}` });
    return;
  }
  try {
    parser.parseLine(value, lineContext(offset), state, out);
  } catch (error) {
    out.problems.push({ offset, reason: (error as Error).message });
  }
}
