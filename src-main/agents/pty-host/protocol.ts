import { z } from 'zod';
import { HOOK_AGENTS, type HookCall, type HookDelivery } from '../../approvals/hook-call';

// The pty host's wire protocol: frames of [u32 header length][u32 body length][JSON header][body].
// Terminal output travels as raw bytes in the body, so 100 MB of output is never base64'd or
// JSON-escaped on its way out of the host.
//
// Hook relay (the host owns the agents' hook endpoint, see hook-gateway.ts): a core starts each
// connection with `hello`; from then on the host sends it `hook` messages (`delivery: 'verdict'`
// for a PreToolUse that waits, `'record'` for everything else, including PreToolUse calls the host
// answered itself while no core was connected) and `hook-gone` when a waiting call ended early. The
// core answers each `hook` with `hook-answer` (a verdict, or null to acknowledge a record); the host
// forgets a call only then. `hello`'s reply carries every call that waited for a core, oldest first,
// so the new core takes over before it does anything else.

/** What the core asks the pty host to spawn. */
export const spawnSpecSchema = z.object({
  sessionId: z.string(),
  file: z.string(),
  args: z.array(z.string()),
  cwd: z.string(),
  env: z.record(z.string(), z.string()),
  cols: z.number().int().min(2).max(1000),
  rows: z.number().int().min(1).max(500),
  name: z.string(),
  /** For agents that call hooks: the session's hook secret and what the core wants back with each call. */
  hook: z.object({ agent: z.enum(HOOK_AGENTS), secret: z.string().min(16), context: z.record(z.string(), z.string()) }).optional(),
});

/** Spawn request. */
export type SpawnSpec = z.infer<typeof spawnSpecSchema>;

/** A session as the host knows it. */
export const hostSessionSchema = z.object({
  sessionId: z.string(),
  pid: z.number().int(),
  running: z.boolean(),
  exitCode: z.number().int().nullable(),
  signal: z.number().int().nullable(),
  cols: z.number().int(),
  rows: z.number().int(),
  /** Bytes of output so far (the stream offset of the next byte). */
  bytes: z.number().int(),
  startedAt: z.number(),
  endedAt: z.number().nullable(),
});

/** A session as the host knows it. */
export type HostSession = z.infer<typeof hostSessionSchema>;

/** Requests from the core; each carries an id its reply repeats. */
export const hostRequestSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('spawn'), id: z.number(), spec: spawnSpecSchema }),
  z.object({ type: z.literal('input'), id: z.number(), sessionId: z.string(), data: z.string() }),
  z.object({ type: z.literal('resize'), id: z.number(), sessionId: z.string(), cols: z.number().int().min(2).max(1000), rows: z.number().int().min(1).max(500) }),
  z.object({ type: z.literal('kill'), id: z.number(), sessionId: z.string(), graceMs: z.number().int().min(0).max(60_000) }),
  z.object({ type: z.literal('list'), id: z.number() }),
  z.object({ type: z.literal('replay'), id: z.number(), sessionId: z.string() }),
  z.object({ type: z.literal('forget'), id: z.number(), sessionId: z.string() }),
  z.object({ type: z.literal('shutdown'), id: z.number() }),
  /** Flow control: a client of the core fell behind on this session's output (pause) or caught up (resume). */
  z.object({ type: z.literal('flow'), id: z.number(), sessionId: z.string(), paused: z.boolean() }),
  /** A core introduces itself: hook calls go to it from now on; the reply carries what waited for a core. */
  z.object({ type: z.literal('hello'), id: z.number() }),
  /** The core's verdict on a `pre-tool` hook call, or (no verdict) its acknowledgement of a recorded one. */
  z.object({
    type: z.literal('hook-answer'),
    id: z.number(),
    callId: z.string(),
    verdict: z.object({ decision: z.enum(['allow', 'deny', 'ask']), reason: z.string().max(10_000) }).nullable(),
  }),
]);

/** A request from the core. */
export type HostRequest = z.infer<typeof hostRequestSchema>;

/** Messages from the host: replies to requests, and pushed output and exits. */
export type HostMessage =
  | { type: 'reply'; id: number; ok: true; value?: unknown }
  | { type: 'reply'; id: number; ok: false; error: string }
  | { type: 'output'; sessionId: string; offset: number }
  | { type: 'exit'; sessionId: string; exitCode: number | null; signal: number | null; bytes: number }
  | { type: 'hook'; delivery: HookDelivery; call: HookCall }
  | { type: 'hook-gone'; callId: string };

/** The reply to `hello`. */
export interface HelloReply {
  /** The host's process id (tests read its environment). */
  pid: number;
  /** Base URL of the host's hook endpoint. */
  hookUrl: string;
  /** Hook calls that waited for a core, oldest first. */
  calls: { call: HookCall; delivery: HookDelivery }[];
  /** Recorded hook calls dropped while no core was connected. */
  lost: number;
}

const HEADER = 8;

/** Encodes one frame. */
export function encodeFrame(header: object, body?: Buffer): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const prefix = Buffer.allocUnsafe(HEADER);
  prefix.writeUInt32BE(json.length, 0);
  prefix.writeUInt32BE(body?.length ?? 0, 4);
  return body && body.length > 0 ? Buffer.concat([prefix, json, body]) : Buffer.concat([prefix, json]);
}

/** Splits a byte stream back into frames, however it was chunked. */
export class FrameDecoder {
  private buffer: Buffer = Buffer.alloc(0);

  /** Feeds bytes; returns every frame completed by them. */
  push(chunk: Buffer): { header: unknown; body: Buffer }[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const frames: { header: unknown; body: Buffer }[] = [];
    while (this.buffer.length >= HEADER) {
      const headerLength = this.buffer.readUInt32BE(0);
      const bodyLength = this.buffer.readUInt32BE(4);
      const total = HEADER + headerLength + bodyLength;
      if (this.buffer.length < total) break;
      const header = JSON.parse(this.buffer.subarray(HEADER, HEADER + headerLength).toString('utf8')) as unknown;
      const body = Buffer.from(this.buffer.subarray(HEADER + headerLength, total));
      frames.push({ header, body });
      this.buffer = this.buffer.subarray(total);
    }
    return frames;
  }
}
