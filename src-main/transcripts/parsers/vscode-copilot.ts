import path from 'node:path';
import { asCount, asRecord, asString, bounded, emptyOutput, seenAt, titleFrom, toEpoch, usedModel, type ParseOutput } from '../parsed';

/**
 * VS Code's chat sessions (Copilot Chat): a whole `.json` object, rewritten on every save, or a `.jsonl`
 * mutation log (a snapshot line, then set / push / delete lines; a push can first cut the list, which is
 * how VS Code removes requests). Both become the same state, which is parsed whole: rows are then
 * reconciled by request id, because a response can be rewritten and a request removed.
 */

/** Replays an ObjectMutationLog (onto `initial`, when continuing) into the session object; returns problems for lines it could not apply. */
export function replayMutationLog(lines: { text: string; offset: number }[], initial?: unknown): { state: unknown; problems: { offset: number; reason: string }[] } {
  let state: unknown = initial;
  const problems: { offset: number; reason: string }[] = [];
  for (const { text, offset } of lines) {
    if (!text.trim()) continue;
    let entry: Record<string, unknown> | null;
    try {
      entry = asRecord(JSON.parse(text));
    } catch (error) {
      problems.push({ offset, reason: `malformed JSON: ${(error as Error).message}` });
      continue;
    }
    if (!entry || typeof entry.kind !== 'number') {
      problems.push({ offset, reason: 'not a mutation log entry (no "kind")' });
      continue;
    }
    if (entry.kind === 0) {
      state = entry.v;
      continue;
    }
    if (state === undefined) {
      problems.push({ offset, reason: 'a change before the initial snapshot' });
      continue;
    }
    const keys = Array.isArray(entry.k) ? (entry.k as (string | number)[]) : null;
    if (!keys || keys.length === 0) {
      problems.push({ offset, reason: 'a change without a path' });
      continue;
    }
    let parent: Record<string | number, unknown> | undefined = state as Record<string, unknown>;
    for (const key of keys.slice(0, -1)) parent = parent?.[key] as Record<string | number, unknown> | undefined;
    if (typeof parent !== 'object' || parent === null) {
      problems.push({ offset, reason: `path ${JSON.stringify(keys)} does not exist` });
      continue;
    }
    const last = keys[keys.length - 1]!;
    if (entry.kind === 1) parent[last] = entry.v;
    else if (entry.kind === 3) delete parent[last];
    else if (entry.kind === 2) {
      const list = Array.isArray(parent[last]) ? (parent[last] as unknown[]) : [];
      if (typeof entry.i === 'number') list.length = entry.i;
      if (Array.isArray(entry.v)) list.push(...(entry.v as unknown[]));
      parent[last] = list;
    } else problems.push({ offset, reason: `unknown mutation kind ${String(entry.kind)}` });
  }
  return { state, problems };
}

function markdownOf(value: unknown): string {
  if (typeof value === 'string') return value;
  return asString(asRecord(value)?.value) ?? '';
}

function toolInput(part: Record<string, unknown>): string {
  const specific = asRecord(part.toolSpecificData);
  const command = asRecord(specific?.commandLine);
  if (command) return bounded({ command: command.original ?? command.forDisplay });
  if (specific && 'command' in specific) return bounded({ command: specific.command });
  if (specific && 'rawInput' in specific) return bounded(specific.rawInput);
  return bounded({ description: markdownOf(part.invocationMessage) });
}

/** Session id for a chat session file: the file's stem (VS Code names the file after it). */
export function vscodeSessionIdFromPath(file: string): string {
  return path.basename(file).replace(/\.jsonl?$/, '');
}

/** Parses a whole chat session object into rows; every key is stable so a re-parse reconciles. */
export function parseVscodeSession(data: unknown, fileSessionId: string): ParseOutput & { sessionId: string } {
  const out = emptyOutput();
  const session = asRecord(data);
  if (!session) throw new Error('the session is not a JSON object');
  const sessionId = asString(session.sessionId) ?? fileSessionId;
  const title = asString(session.customTitle) ?? asString(session.computedTitle);
  if (title) out.session.title = title;
  seenAt(out.session, toEpoch(session.creationDate));
  seenAt(out.session, toEpoch(session.lastMessageDate));
  const cwd = asString(session.workingDirectory);
  if (cwd) out.session.cwd = fileUriToPath(cwd) ?? cwd;
  const requests = Array.isArray(session.requests) ? session.requests : [];
  requests.forEach((r, index) => {
    const request = asRecord(r);
    if (!request) {
      out.problems.push({ offset: 0, reason: `request ${index} is not an object` });
      return;
    }
    const requestId = asString(request.requestId) ?? `index-${index}`;
    const at = toEpoch(request.timestamp);
    seenAt(out.session, at);
    const base = index * 4096;
    const message = request.message;
    const prompt = (typeof message === 'string' ? message : asString(asRecord(message)?.text) ?? '').trim();
    if (prompt) {
      out.messages.push({ key: `${requestId}:user`, role: 'user', kind: 'text', text: prompt, sequence: base, timestamp: at, model: null, usageKey: null });
      if (!out.session.fallbackTitle) out.session.fallbackTitle = titleFrom(prompt);
    }
    const result = asRecord(request.result);
    const metadata = asRecord(result?.metadata);
    const model = (asString(metadata?.resolvedModel) ?? asString(request.modelId))?.replace(/^copilot\//, '') ?? null;
    usedModel(out.session, model);
    const completedAt = toEpoch(asRecord(request.modelState)?.completedAt);
    seenAt(out.session, completedAt);
    const usage = asRecord(result?.usage);
    const promptTokens = asCount(request.promptTokens) || asCount(usage?.promptTokens) || asCount(metadata?.promptTokens);
    const outputTokens = asCount(request.completionTokens) || asCount(usage?.completionTokens) || asCount(metadata?.outputTokens);
    const usedAt = at ?? completedAt;
    let usageKey = promptTokens || outputTokens ? `vscode:${sessionId}:${requestId}` : null;
    if (usageKey && usedAt === null) {
      out.problems.push({ offset: 0, reason: `request ${requestId}: usage without a timestamp: not counted` });
      usageKey = null;
    }
    if (usageKey && usedAt !== null) out.usage.push({ key: usageKey, timestamp: usedAt, model: model ?? 'unknown', input: promptTokens, output: outputTokens, cacheRead: 0, cacheWrite: 0, merge: 'replace' });

    const parts = Array.isArray(request.response) ? request.response : typeof request.response === 'string' ? [{ value: request.response }] : [];
    let text = '';
    let thinking = 0;
    parts.forEach((p, i) => {
      const part = asRecord(p);
      if (!part) return;
      const kind = asString(part.kind);
      if (!kind || kind === 'markdownContent' || kind === 'markdownVuln') text += markdownOf(kind ? part.content : part);
      else if (kind === 'inlineReference') {
        const ref = asRecord(part.inlineReference);
        const name = asString(part.name) ?? asString(ref?.name) ?? path.basename(asString(ref?.path) ?? asString(asRecord(ref?.uri)?.path) ?? '');
        if (name) text += `\`${name}\``;
      } else if (kind === 'thinking') {
        const value = Array.isArray(part.value) ? part.value.join('') : (asString(part.value) ?? '');
        if (value.trim()) {
          out.messages.push({ key: `${requestId}:thinking:${thinking++}`, role: 'assistant', kind: 'thinking', text: value.trim(), sequence: base + 1 + i, timestamp: at, model, usageKey: null });
        }
      } else if (kind === 'toolInvocationSerialized') {
        const id = asString(part.toolCallId) ?? `${requestId}:tool:${i}`;
        const name = asString(part.toolId) ?? 'tool';
        out.toolEvents.push({ key: id, status: 'called', name, input: toolInput(part), output: null, timestamp: at, sequence: base + 1 + i });
        if (part.isComplete !== false) {
          const failed = asRecord(part.resultDetails)?.isError === true;
          out.toolEvents.push({ key: id, status: failed ? 'failed' : 'succeeded', name, input: null, output: bounded(markdownOf(part.pastTenseMessage)), timestamp: completedAt ?? at, sequence: base + 1 + i });
        }
      }
    });
    if (text.trim()) {
      out.messages.push({ key: `${requestId}:assistant`, role: 'assistant', kind: 'text', text: text.trim(), sequence: base + 4000, timestamp: completedAt ?? at, model, usageKey });
    }
  });
  return { ...out, sessionId };
}

/** A local path from a `file://` URI; null for other schemes (remote workspaces). */
export function fileUriToPath(uri: string): string | null {
  if (!uri.startsWith('file://')) return null;
  try {
    const decoded = decodeURIComponent(new URL(uri).pathname);
    return /^\/[a-zA-Z]:/.test(decoded) ? decoded.slice(1) : decoded;
  } catch {
    return null;
  }
}
