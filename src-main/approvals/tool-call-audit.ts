import path from 'node:path';
import { and, desc, eq } from 'drizzle-orm';
import type { PitwallDb } from '../../db/client';
import { toolCalls } from '../../db/schema';
import { newId } from '../../src-common/ids';
import type { Clock } from '../clock';
import { ensurePrivateDir, writePrivateFile } from '../private-files';
import { parseStored } from './approval-preview';

/** A finished tool call as the audit records it. */
export interface ToolCallAudit {
  id: string;
  sessionId: string;
  toolName: string;
  input: unknown;
  status: string;
  decision: string | null;
  decidedBy: string | null;
  reason: string | null;
  outputSummary: string | null;
  outputFile: string | null;
  durationMs: number | null;
  turn: number | null;
  createdAt: number;
}

/** The call an audit entry is about. */
export interface AuditedCall {
  sessionId: string | null;
  toolUseId: string | null;
  toolName: string;
  input: Record<string, unknown>;
  turn?: number | null | undefined;
}

const MAX_SUMMARY = 2000;

/** The audit of tool calls: the only writer and reader of `tool_calls`. */
export class ToolCallAuditLog {
  constructor(
    private readonly db: PitwallDb,
    /** Where outputs too long for the audit row are kept whole. */
    private readonly outputDir: string | null,
    private readonly clock: Clock,
  ) {}

  /** Records what was decided for a call (or that it was cancelled); calls without a session are not audited. */
  decided(call: AuditedCall, status: string, decision: string | null, decidedBy: string | null, reason: string): void {
    if (!call.sessionId) return;
    const now = this.clock();
    this.db
      .insert(toolCalls)
      .values({
        id: newId(),
        createdAt: now,
        updatedAt: now,
        sessionId: call.sessionId,
        externalId: call.toolUseId,
        name: call.toolName,
        input: JSON.stringify(call.input),
        status,
        decision,
        decidedBy,
        reason,
        turn: call.turn ?? null,
      })
      .run();
  }

  /** Records a PostToolUse: the tool ran; what it returned, bounded. */
  result(sessionId: string, toolName: string, input: unknown, response: unknown, toolUseId: string | null, turn: number | null): void {
    const text = typeof response === 'string' ? response : JSON.stringify(response ?? null);
    const failed = typeof response === 'object' && response !== null && ('is_error' in response ? Boolean((response as { is_error?: unknown }).is_error) : false);
    // By session too, so the lookup uses the (session, external id, status) index instead of scanning every call.
    const started = toolUseId ? this.db.select().from(toolCalls).where(and(eq(toolCalls.sessionId, sessionId), eq(toolCalls.externalId, toolUseId), eq(toolCalls.status, 'decided'))).get() : undefined;
    const now = this.clock();
    const id = newId();
    let outputFile: string | null = null;
    if (text.length > MAX_SUMMARY && this.outputDir) {
      ensurePrivateDir(this.outputDir);
      outputFile = path.join(this.outputDir, `${id}.txt`);
      writePrivateFile(outputFile, text);
    }
    this.db
      .insert(toolCalls)
      .values({
        id,
        createdAt: now,
        updatedAt: now,
        sessionId,
        externalId: toolUseId,
        name: toolName,
        input: JSON.stringify(input ?? {}),
        outputSummary: text.length > MAX_SUMMARY ? `${text.slice(0, MAX_SUMMARY)}…` : text,
        outputFile,
        status: failed ? 'failed' : 'completed',
        durationMs: started ? now - started.createdAt : null,
        turn,
      })
      .run();
  }

  /** A session's audited calls, newest first. */
  list(sessionId: string, limit: number): ToolCallAudit[] {
    return this.db
      .select()
      .from(toolCalls)
      .where(eq(toolCalls.sessionId, sessionId))
      .orderBy(desc(toolCalls.seq))
      .limit(limit)
      .all()
      .map((r) => ({
        id: r.id,
        sessionId: r.sessionId,
        toolName: r.name,
        input: parseStored(r.input),
        status: r.status,
        decision: r.decision,
        decidedBy: r.decidedBy,
        reason: r.reason,
        outputSummary: r.outputSummary,
        outputFile: r.outputFile,
        durationMs: r.durationMs,
        turn: r.turn,
        createdAt: r.createdAt,
      }));
  }
}
