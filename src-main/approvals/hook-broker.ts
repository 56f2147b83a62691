import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import type { PermissionMode } from '../../src-common/domain/agent';
import { tokensEqual } from '../http/auth';
import type { Disposable } from '../lifecycle';
import type { ApprovalService } from './approval-service';

/** What the broker knows of a session whose agent may call the hook. */
export interface HookSession {
  secret: string;
  projectId: string | null;
  worktreeId: string | null;
  cwd: string | null;
  mode: PermissionMode;
}

/** Session-state changes the hooks report (Notification: waiting for input; Stop: idle). */
export type ActivityListener = (sessionId: string, activity: 'working' | 'waiting_for_input' | 'idle') => void;

const hookInputSchema = z
  .object({
    hook_event_name: z.string(),
    tool_name: z.string().optional(),
    tool_input: z.record(z.string(), z.unknown()).optional(),
    tool_response: z.unknown().optional(),
    tool_use_id: z.string().optional(),
  })
  .loose();

/**
 * The local endpoint agents' hooks call (127.0.0.1, one secret per session). PreToolUse is held
 * until the approval service decides; everything else is recorded and answered at once.
 */
export class HookBroker implements Disposable {
  private readonly sessions = new Map<string, HookSession>();
  /** Prompts so far per session: the turn a tool call belongs to. */
  private readonly turns = new Map<string, number>();
  private server: http.Server | null = null;
  private port = 0;

  constructor(
    private readonly approvals: ApprovalService,
    private readonly onActivity: ActivityListener,
  ) {}

  /** The URL hooks post to; starts listening on first use. */
  async url(): Promise<string> {
    if (!this.server) await this.listen();
    return `http://127.0.0.1:${this.port}`;
  }

  register(sessionId: string, session: HookSession): void {
    this.sessions.set(sessionId, session);
  }

  unregister(sessionId: string): void {
    this.sessions.delete(sessionId);
    this.turns.delete(sessionId);
    this.approvals.cancelForSession(sessionId);
  }

  private async listen(): Promise<void> {
    const server = http.createServer((req, res) => void this.handle(req, res));
    // A held PreToolUse may wait for a person for hours.
    server.requestTimeout = 0;
    server.headersTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const reply = (status: number, body: object): void => {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    const sessionId = String(req.headers['x-pitwall-session'] ?? '');
    const session = this.sessions.get(sessionId);
    const secret = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
    if (req.method !== 'POST' || req.url !== '/hook' || !session || !tokensEqual(session.secret, secret)) return reply(401, { error: 'unauthorized' });
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let input: z.infer<typeof hookInputSchema>;
    try {
      input = hookInputSchema.parse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
    } catch {
      return reply(400, { error: 'the hook sent something that is not a hook event' });
    }
    switch (input.hook_event_name) {
      case 'PreToolUse': {
        this.onActivity(sessionId, 'working');
        const decision = await this.approvals.decideToolCall({
          toolName: input.tool_name ?? 'unknown',
          input: input.tool_input ?? {},
          cwd: session.cwd,
          projectId: session.projectId,
          sessionId,
          worktreeId: session.worktreeId,
          mode: session.mode,
          toolUseId: input.tool_use_id ?? null,
          turn: this.turns.get(sessionId) ?? null,
        });
        if (res.destroyed) return;
        return reply(200, { hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: decision.decision, permissionDecisionReason: decision.reason } });
      }
      case 'PostToolUse':
        this.approvals.recordToolResult(sessionId, input.tool_name ?? 'unknown', input.tool_input ?? {}, input.tool_response, input.tool_use_id ?? null, this.turns.get(sessionId) ?? null);
        return reply(200, {});
      case 'Notification':
        this.onActivity(sessionId, 'waiting_for_input');
        return reply(200, {});
      case 'Stop':
        this.onActivity(sessionId, 'idle');
        return reply(200, {});
      case 'UserPromptSubmit':
        this.turns.set(sessionId, (this.turns.get(sessionId) ?? 0) + 1);
        this.onActivity(sessionId, 'working');
        return reply(200, {});
      default:
        return reply(200, {});
    }
  }

  async dispose(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
