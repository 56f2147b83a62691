import type { ParseOutput } from '../parsed';

/** Where a line sits in its file; `sequence(i)` orders the rows made from it. */
export interface LineContext {
  offset: number;
  sequence: (part: number) => number;
}

/** A parser for an append-only JSONL transcript. Its state is plain JSON, saved with the file's cursor. */
export interface LineParser<S> {
  /** The session's external id as far as the path tells it (null when only the lines can). */
  sessionIdFromPath(file: string): string | null;
  /** A fresh state for `file`; `pathSessionId` is what {@link sessionIdFromPath} said. */
  initialState(pathSessionId: string | null, file: string): S;
  /** Reads one parsed JSON line into `out`; throws for a line it cannot use (recorded as a problem). */
  parseLine(value: unknown, line: LineContext, state: S, out: ParseOutput): void;
  /**
   * The session the file belongs to once the lines (or, where the layout is authoritative, the path)
   * have told it; null while unknown. The ingester falls back to the path's id.
   */
  sessionId(state: S): string | null;
}

/** Stable ordering key: the line's byte offset, then the part within the line. */
export function lineContext(offset: number): LineContext {
  return { offset, sequence: (part) => offset * 64 + Math.min(part, 63) };
}
