import crypto from 'node:crypto';

// One model of a hook call, whatever CLI made it. The pty host receives the CLI's own request,
// a dialect (hook-dialects.ts) turns it into a HookCall, the core decides on HookCalls only, and
// the dialect turns the verdict back into the CLI's own answer. Adding a CLI is adding a dialect.
//
// Kept free of anything but node:crypto: the pty host and the command hook's tests load it.

/** The CLIs whose hooks Pitwall speaks. */
export const HOOK_AGENTS = ['claude-code', 'codex', 'gemini'] as const;
/** One of {@link HOOK_AGENTS}. */
export type HookAgent = (typeof HOOK_AGENTS)[number];

/**
 * What a hook call is about: `pre-tool` waits for a verdict; the rest are recorded.
 * `prompt` is the person's next prompt (it starts a new turn).
 */
export type HookEvent = 'pre-tool' | 'post-tool' | 'notification' | 'stop' | 'prompt' | 'other';

/** Pitwall's answer to a `pre-tool` call. */
export interface HookVerdict {
  decision: 'allow' | 'deny' | 'ask';
  reason: string;
}

/** A CLI's hook request, read into the common model by its dialect (everything but what the host adds). */
export interface ParsedHookEvent {
  event: HookEvent;
  /** The CLI's own name for the event (`PreToolUse`, …), for the record. */
  eventName: string;
  toolName: string | null;
  toolInput: Record<string, unknown>;
  /** The CLI's id for the tool call: a re-asked call is matched to its approval by it. */
  toolUseId: string | null;
  toolResponse?: unknown;
}

/** A hook call as the core sees it: the parsed request and what the pty host adds. */
export interface HookCall extends ParsedHookEvent {
  /** Unique within one pty host; the core answers with it. */
  callId: string;
  sessionId: string;
  agent: HookAgent;
  /** Prompts so far in the session when the call came (counted by the host, which sees them all). */
  turn: number;
  receivedAt: number;
  /** What the core registered with the session at launch (its permission mode). */
  context: Record<string, string>;
  /** Set when the host answered a `pre-tool` call itself because no core was connected. */
  hostAnswer?: HookVerdict;
}

/** What the pty host does with a call: wait for the core's verdict, or have it recorded and acknowledged. */
export type HookDelivery = 'verdict' | 'record';

/** Header carrying the session id on every hook request. */
export const SESSION_HEADER = 'x-pitwall-session';
/** Header carrying the command hook's fresh nonce. */
export const NONCE_HEADER = 'x-pitwall-nonce';
/** Header carrying the command hook's request MAC. */
export const AUTH_HEADER = 'x-pitwall-auth';
/** Header carrying the host's answer MAC. */
export const SIGNATURE_HEADER = 'x-pitwall-signature';

/**
 * MAC of a command hook's request: the session secret over the session, the nonce and the body.
 * The secret itself never travels, so a process squatting the hook port learns nothing from it.
 */
export function requestMac(secret: string, sessionId: string, nonce: string, body: Buffer | string): string {
  return crypto.createHmac('sha256', secret).update(`pitwall-hook-request\n${sessionId}\n${nonce}\n`).update(body).digest('hex');
}

/** MAC of the answer to a request with `nonce`: the hook trusts an answer only when this matches. */
export function answerMac(secret: string, nonce: string, body: Buffer | string): string {
  return crypto.createHmac('sha256', secret).update(`pitwall-hook-answer\n${nonce}\n`).update(body).digest('hex');
}

/** Constant-time comparison of two MACs or secrets given as strings. */
export function sameSecret(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = crypto.createHash('sha256').update(expected).digest();
  const b = crypto.createHash('sha256').update(given).digest();
  return crypto.timingSafeEqual(a, b) && expected.length === given.length;
}
