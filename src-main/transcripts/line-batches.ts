import { emptyOutput, type ParseOutput } from './parsed';
import { readFrom, readLines } from './line-reader';
import { lineContext, type LineParser } from './parsers/line-parser';
import { lineParserOf, type LineSourceId } from './parsers/line-parsers';

/** Lines longer than this are skipped with a problem recorded, never held in memory. */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;
/** A file untouched for this long has stopped changing: a last line without its newline is not being written any more. */
export const QUIET_MS = 10_000;
/** Rows are written in transactions of about this many bytes of input. */
export const BATCH_BYTES = 4 * 1024 * 1024;

/** What to read of a line file: from `offset`, with the parser's state there; `size` and `mtimeMs` from the ingest's stat. */
export interface LineRequest {
  file: string;
  source: LineSourceId;
  offset: number;
  /** The parser's state at `offset` (plain JSON); the reader changes it as it goes. */
  state: unknown;
  size: number;
  mtimeMs: number;
}

/** The lines of about {@link BATCH_BYTES} of a file, parsed: what one write transaction holds. */
export interface LineBatch {
  /** Where the lines read end: the file's cursor once the batch is written. */
  end: number;
  output: ParseOutput;
  /** The parser's state after the batch, as saved in the cursor. */
  state: string;
  /** What the parser says the session is after the batch (null while unknown). */
  sessionId: string | null;
}

/** A file's batches in order, the last one always there (it carries the final cursor, even with no rows). */
export interface LineBatches extends AsyncIterable<LineBatch> {
  /** No more batches are wanted: reading stops. Iterating it afterwards is not allowed. */
  cancel(): void;
}

/** Where an ingest takes a line file's parsed batches from: this thread, or a parse thread. */
export interface LineBatchSource {
  /** Starts reading `request` (a parse thread at once; this thread as the batches are taken). */
  open(request: LineRequest): LineBatches;
}

/** Reads and parses the lines in this thread, each batch when it is taken. */
export const inThreadLines: LineBatchSource = {
  open(request) {
    const batches = readLineBatches(request);
    return {
      [Symbol.asyncIterator]: () => batches,
      cancel: () => {
        batches.return(undefined).catch(() => undefined);
      },
    };
  },
};

/**
 * Reads the complete lines of `request.file` from its offset and parses them, a batch every
 * {@link BATCH_BYTES} of input, then a last batch with the final line when it has no newline (see
 * {@link lastLine}). Pure but for reading the file: it runs in this thread or on a parse thread alike.
 */
export async function* readLineBatches(request: LineRequest): AsyncGenerator<LineBatch> {
  const parser = lineParserOf(request.source);
  const { state } = request;
  let out = emptyOutput();
  let offset = request.offset;
  let batchStart = offset;
  const batch = (end: number): LineBatch => {
    const done: LineBatch = { end, output: out, state: JSON.stringify(state), sessionId: parser.sessionId(state) };
    out = emptyOutput();
    batchStart = end;
    return done;
  };
  for await (const line of readLines(request.file, offset, MAX_LINE_BYTES)) {
    if (line.kind === 'oversize') {
      out.problems.push({ offset: line.offset, reason: `line of ${line.end - line.offset} bytes is longer than the ${MAX_LINE_BYTES / 1024 / 1024} MB limit; skipped` });
    } else if (line.text.trim() !== '') {
      parseLineInto(parser, line.text, line.offset, state, out);
    }
    offset = line.end;
    if (offset - batchStart >= BATCH_BYTES) yield batch(offset);
  }
  offset = await lastLine(request, parser, offset, out);
  yield batch(offset);
}

/**
 * A last line without its newline: read when it is a whole JSON value (a JSON object cannot be cut
 * short and still parse), else left for the writer to finish, and recorded as a problem once the file
 * has stopped changing. Answers where the read ends.
 */
async function lastLine(request: LineRequest, parser: LineParser<unknown>, offset: number, out: ParseOutput): Promise<number> {
  const rest = request.size - offset;
  if (rest <= 0) return offset;
  const quiet = Date.now() - request.mtimeMs >= QUIET_MS;
  if (rest > MAX_LINE_BYTES) {
    if (quiet) out.problems.push({ offset, reason: `the last line (${rest} bytes, no newline) is longer than the ${MAX_LINE_BYTES / 1024 / 1024} MB limit; skipped` });
    return quiet ? request.size : offset;
  }
  const tail = await readFrom(request.file, offset);
  const text = tail.toString('utf8').replace(/\r$/, '');
  if (text.trim() === '') return offset + tail.length;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    if (quiet) out.problems.push({ offset, reason: `the last line (${rest} bytes) has no newline and is not complete JSON: the file stopped changing before it was finished` });
    return offset;
  }
  readValueInto(parser, value, offset, request.state, out);
  return offset + tail.length;
}

function parseLineInto(parser: LineParser<unknown>, text: string, offset: number, state: unknown, out: ParseOutput): void {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    out.problems.push({ offset, reason: `malformed JSON: ${(error as Error).message.slice(0, 200)}` });
    return;
  }
  readValueInto(parser, value, offset, state, out);
}

/** Gives one line's JSON value to the parser; a value it cannot use becomes a problem at `offset`. */
function readValueInto(parser: LineParser<unknown>, value: unknown, offset: number, state: unknown, out: ParseOutput): void {
  try {
    parser.parseLine(value, lineContext(offset), state, out);
  } catch (error) {
    out.problems.push({ offset, reason: (error as Error).message });
  }
}
