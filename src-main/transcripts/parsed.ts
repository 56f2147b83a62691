import crypto from 'node:crypto';

/** What a transcript parser produces from some lines (or a whole file); the store turns it into rows. */

/** The agents whose transcripts Pitwall reads. */
export type TranscriptSourceId = 'claude-code' | 'codex' | 'vscode-copilot' | 'gemini';

/** Facts about the session a file belongs to; each is merged into what is already known. */
export interface SessionFacts {
  title?: string;
  /** A title from the file's first prompt: used only while nothing better is known. */
  fallbackTitle?: string;
  cwd?: string;
  startedAt?: number;
  endedAt?: number;
  models?: string[];
}

/**
 * One message row: a user prompt, an assistant reply, the assistant's thinking, or a prompt one agent
 * gave another (a subagent's task: the agent's delegation, not something the person typed).
 */
export interface ParsedMessage {
  /** What the row is (the agent's own id for it, or a hash of its content): the same in any file that holds it. */
  key: string;
  role: 'user' | 'assistant';
  kind: 'text' | 'thinking' | 'delegation';
  text: string;
  sequence: number;
  timestamp: number | null;
  model: string | null;
  usageKey: string | null;
  /** A later record with the same key replaces this one (Gemini streams a message as repeated records). */
  replace?: boolean;
}

/** A step in a tool call's life: requested by the model, then answered. */
export interface ParsedToolEvent {
  /** The agent's id for the call (Claude's tool_use id, Codex's call_id, VS Code's toolCallId). */
  key: string;
  status: 'called' | 'succeeded' | 'failed';
  /** Null on a result line that names only the call; the store takes the name from the call. */
  name: string | null;
  input: string | null;
  output: string | null;
  timestamp: number | null;
  sequence: number;
}

/** Token usage of one model response. */
export interface ParsedUsage {
  /** The response itself (its id, or its time and counts): a response repeated over lines, copied or replayed into another file is counted once. */
  key: string;
  /** When the response was made; a usage without one is not counted (a problem is recorded instead). */
  timestamp: number;
  model: string;
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  /**
   * Which of two sightings of the same response counts (each rule independent of the order files are read):
   * `max`: the most complete (Claude streams growing counts), then the earliest; `earliest`: the earliest;
   * `replace`: the latest read (a rewritten whole file).
   */
  merge: 'max' | 'earliest' | 'replace';
  /** A copy in a side conversation (Claude's sidechain): the main conversation's sighting wins. */
  sidechain?: boolean;
}

/** Something in the file that could not be read; the rest of the file is still ingested. */
export interface IngestProblem {
  offset: number;
  reason: string;
}

/** Everything parsed from one read of a file. */
export interface ParseOutput {
  session: SessionFacts;
  messages: ParsedMessage[];
  toolEvents: ParsedToolEvent[];
  usage: ParsedUsage[];
  problems: IngestProblem[];
}

/** An empty output to fill. */
export function emptyOutput(): ParseOutput {
  return { session: {}, messages: [], toolEvents: [], usage: [], problems: [] };
}

/** Epoch ms from an ISO string or a number; null when it is neither. */
export function toEpoch(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string') {
    const t = Date.parse(value);
    return Number.isNaN(t) ? null : t;
  }
  return null;
}

/** Folds a timestamp into the session's start and end. */
export function seenAt(session: SessionFacts, at: number | null): void {
  if (at === null) return;
  if (session.startedAt === undefined || at < session.startedAt) session.startedAt = at;
  if (session.endedAt === undefined || at > session.endedAt) session.endedAt = at;
}

/** Adds a model to the session's list once. */
export function usedModel(session: SessionFacts, model: string | null | undefined): void {
  if (!model || model === '<synthetic>') return;
  const name = normalizeModel(model);
  session.models ??= [];
  if (!session.models.includes(name)) session.models.push(name);
}

/** Model names already normalized, by the name as written. */
const normalized = new Map<string, string>();

/**
 * One name per model, written the way its vendor writes it: a provider prefix (`copilot/`,
 * `anthropic/`, `models/`) goes, and Anthropic's names use hyphens between version digits
 * (`claude-opus-4.6` from Copilot is `claude-opus-4-6`), where OpenAI's and Google's use dots.
 */
export function normalizeModel(model: string): string {
  // A history names a handful of models a million times over: each is worked out once.
  let name = normalized.get(model);
  if (name !== undefined) return name;
  name = model.trim().toLowerCase().replace(/^(copilot|anthropic|openai|google|models|vertex_ai|github)\//, '');
  if (name.startsWith('claude-')) name = name.replace(/(\d)\.(\d)/g, '$1-$2');
  if (normalized.size >= 1000) normalized.clear();
  normalized.set(model, name);
  return name;
}

/** A short stable hash of a row's content: its key when the agent gave it no id. */
export function contentKey(...parts: unknown[]): string {
  return `h:${crypto.createHash('sha1').update(JSON.stringify(parts)).digest('hex').slice(0, 20)}`;
}

/** A one-line title from a prompt. */
export function titleFrom(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}

/** A bounded text of a tool's input or output, for the timeline and search. */
export function bounded(value: unknown, max = 8000): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? '';
  return text.length > max ? `${text.slice(0, max)}… (${text.length - max} more characters)` : text;
}

/** A plain object, or null. */
export function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/** A string, or null. */
export function asString(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** A finite number, or 0. */
export function asCount(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}
