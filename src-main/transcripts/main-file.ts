import path from 'node:path';
import type { TranscriptSourceId } from './parsed';
import { codexIdFromName } from './parsers/codex';

/**
 * True when `file` is the session's own file, not a subagent's file or a copy under another name: the
 * main file decides a session's title, folder and path, whichever file happens to be read first.
 */
export function isMainTranscript(source: TranscriptSourceId, file: string, sessionId: string): boolean {
  const name = path.basename(file);
  const inSubfolder = (folder: string) => path.basename(path.dirname(file)) === folder;
  switch (source) {
    case 'claude-code':
      return !inSubfolder('subagents') && name === `${sessionId}.jsonl`;
    case 'codex':
      return codexIdFromName(file) === sessionId;
    case 'vscode-copilot':
      return name.replace(/\.jsonl?$/, '') === sessionId;
    case 'gemini':
      // chats/session-<time>-<first 8 of the id>.json(l); a subagent's chat sits in chats/<parent id>/.
      return inSubfolder('chats') && name.includes(sessionId.slice(0, 8));
  }
}
