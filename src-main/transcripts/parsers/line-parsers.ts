import type { TranscriptSourceId } from '../parsed';
import { claudeCodeParser } from './claude-code';
import { codexParser } from './codex';
import { geminiParser } from './gemini';
import type { LineParser } from './line-parser';

/** The agents whose `.jsonl` transcripts are read line by line. */
export type LineSourceId = 'claude-code' | 'codex' | 'gemini';

const LINE_PARSERS: Record<LineSourceId, LineParser<unknown>> = {
  'claude-code': claudeCodeParser as LineParser<unknown>,
  codex: codexParser as LineParser<unknown>,
  gemini: geminiParser as LineParser<unknown>,
};

/** Whether `source` writes line files (VS Code's `.jsonl` is a mutation log, read whole). */
export function isLineSource(source: TranscriptSourceId): source is LineSourceId {
  return Object.hasOwn(LINE_PARSERS, source);
}

/** The parser of a line source. */
export function lineParserOf(source: LineSourceId): LineParser<unknown> {
  return LINE_PARSERS[source];
}
