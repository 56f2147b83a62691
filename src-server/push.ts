import type pg from 'pg';
import { DELETES_STREAM, parseStreamName, type ContentLevel, type PushEnvelope, type PushResponse } from '../src-common/sync/protocol';
import { SYNC_TABLES } from '../src-common/sync/tables';
import { applyDeletes, applyRows, checkDelete, checkRow, recordRejections, type Rejection, type ValidRow } from './apply';
import { withOrg } from './database';
import { applyStaged, positionalPlan, stagePositional, stagedLine } from './stage';

/** Who is pushing, from the device token (never from the payload). */
export interface DeviceAuth {
  orgId: string;
  deviceId: string;
  contentLevel: ContentLevel;
}

/** A push's outcome: the answer, or a gap (409) with the server's cursors. */
export type PushOutcome =
  | { kind: 'ok'; response: PushResponse }
  | { kind: 'gap'; message: string; cursors: { stream: string; ackedSeq: number }[] }
  | { kind: 'bad'; message: string };

interface WireRow {
  seq: number;
  /** The row as an object, or a positional row's values (`[seq, ...values]`). */
  row: unknown;
  positional: boolean;
}

/**
 * Checks the wire rows of a stream: rising seqs within its range (anything else fails the request).
 * A stream with `columns` (protocol 2) has positional rows `[seq, ...values]`, and may still carry
 * rows as objects (an oversized row's stub).
 */
function wireRows(stream: PushEnvelope['streams'][number]): WireRow[] | string {
  const out: WireRow[] = [];
  let previous = 0;
  const positional = stream.columns !== undefined;
  for (const item of stream.rows) {
    if (positional && Array.isArray(item)) {
      const seq = item[0] as unknown;
      if (!Number.isSafeInteger(seq) || (seq as number) < stream.fromSeq || (seq as number) > stream.toSeq || (seq as number) <= previous) {
        return `${stream.stream}: row seqs must rise within [fromSeq, toSeq]`;
      }
      previous = seq as number;
      out.push({ seq: seq as number, row: item, positional: true });
      continue;
    }
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return `${stream.stream}: a row is not an object`;
    const { seq, row } = item as { seq?: unknown; row?: unknown };
    if (!Number.isSafeInteger(seq) || (seq as number) < stream.fromSeq || (seq as number) > stream.toSeq || (seq as number) <= previous) {
      return `${stream.stream}: row seqs must rise within [fromSeq, toSeq]`;
    }
    previous = seq as number;
    out.push({ seq: seq as number, row, positional: false });
  }
  return out;
}

/**
 * Applies a push in one transaction: locks the device's cursors of the pushed streams (in name
 * order, so racing pushes never deadlock), answers a range already acknowledged with the cursor,
 * refuses a gap with 409 and changes nothing, validates rows (the invalid ones are recorded in
 * sync_rejections and count as processed), applies each table's rows with one statement, and
 * moves the cursors before it commits.
 */
export async function applyPush(pool: pg.Pool, auth: DeviceAuth, envelope: PushEnvelope): Promise<PushOutcome> {
  const streams: { batch: PushEnvelope['streams'][number]; rows: WireRow[] }[] = [];
  for (const batch of envelope.streams) {
    const rows = wireRows(batch);
    if (typeof rows === 'string') return { kind: 'bad', message: rows };
    streams.push({ batch, rows });
  }
  const names = envelope.streams.map((s) => s.stream);
  try {
    return await withOrg(pool, auth.orgId, (client) => applyInTransaction(client, auth, envelope, streams, names));
  } catch (error) {
    // A gap rolls the transaction back: a refused push changes nothing, not even a new cursor row.
    if (error instanceof GapSignal) return error.outcome;
    throw error;
  }
}

class GapSignal extends Error {
  constructor(readonly outcome: PushOutcome) {
    super('gap');
  }
}

async function applyInTransaction(
  client: pg.PoolClient,
  auth: DeviceAuth,
  envelope: PushEnvelope,
  streams: { batch: PushEnvelope['streams'][number]; rows: WireRow[] }[],
  names: string[],
): Promise<PushOutcome> {
  {
    const sorted = [...names].sort();
    await client.query(
      `INSERT INTO sync_cursors (org_id, device_id, stream) SELECT $1::uuid, $2::uuid, s FROM unnest($3::text[]) AS s ORDER BY s ON CONFLICT DO NOTHING`,
      [auth.orgId, auth.deviceId, sorted],
    );
    const locked = await client.query<{ stream: string; acked_seq: string }>(
      `SELECT stream, acked_seq FROM sync_cursors WHERE org_id = $1::uuid AND device_id = $2::uuid AND stream = ANY($3::text[]) ORDER BY stream FOR UPDATE`,
      [auth.orgId, auth.deviceId, sorted],
    );
    const cursors = new Map(locked.rows.map((r) => [r.stream, Number(r.acked_seq)]));
    const gaps = envelope.streams.filter((s) => s.fromSeq > (cursors.get(s.stream) ?? 0) + 1);
    if (gaps.length > 0) {
      throw new GapSignal({
        kind: 'gap',
        message: gaps.map((g) => `${g.stream} starts at ${g.fromSeq} but the server has up to ${cursors.get(g.stream) ?? 0}`).join('; '),
        cursors: envelope.streams.map((s) => ({ stream: s.stream, ackedSeq: cursors.get(s.stream) ?? 0 })),
      });
    }
    const results: PushResponse['streams'] = [];
    const rejections: Rejection[] = [];
    for (const { batch, rows } of streams) {
      const acked = cursors.get(batch.stream) ?? 0;
      if (batch.toSeq <= acked) {
        results.push({ stream: batch.stream, ackedSeq: acked, status: 'duplicate', applied: 0, rejected: 0 });
        continue;
      }
      const parsed = parseStreamName(batch.stream)!;
      const table = parsed.table === DELETES_STREAM ? null : parsed.table;
      const staged = table !== null && SYNC_TABLES[table].kind === 'append';
      const plan = table && batch.columns ? positionalPlan(table, batch.columns) : null;
      const valid: ValidRow[] = [];
      const lines: string[] = [];
      let rejected = 0;
      for (const { seq, row, positional } of rows) {
        // An overlapping range: the part already acknowledged was applied before.
        if (seq <= acked) continue;
        let checked: { row: ValidRow } | { line: string } | { rejection: Rejection };
        if (table === null) checked = checkDelete(batch.stream, seq, row);
        else if (positional && staged) checked = stagePositional(table, batch.stream, seq, row as unknown[], plan!, auth.contentLevel);
        else checked = checkRow(table, batch.stream, seq, positional ? objectOf(plan!.names, row as unknown[]) : row, auth.contentLevel);
        if ('rejection' in checked) {
          rejections.push(checked.rejection);
          rejected++;
        } else if ('line' in checked) lines.push(checked.line);
        else if (staged) lines.push(stagedLine(table!, checked.row));
        else valid.push(checked.row);
      }
      const applied =
        table === null
          ? await applyDeletes(client, auth.orgId, auth.deviceId, valid)
          : staged
            ? await applyStaged(client, auth.orgId, auth.deviceId, table, lines)
            : await applyRows(client, auth.orgId, auth.deviceId, table, valid);
      await client.query(`UPDATE sync_cursors SET acked_seq = $4, updated_at = now() WHERE org_id = $1::uuid AND device_id = $2::uuid AND stream = $3`, [
        auth.orgId,
        auth.deviceId,
        batch.stream,
        batch.toSeq,
      ]);
      results.push({ stream: batch.stream, ackedSeq: batch.toSeq, status: 'applied', applied, rejected });
    }
    await recordRejections(client, auth.orgId, auth.deviceId, rejections);
    await client.query(`UPDATE devices SET last_seen_at = now() WHERE org_id = $1::uuid AND id = $2::uuid`, [auth.orgId, auth.deviceId]);
    return { kind: 'ok', response: { streams: results, contentLevel: auth.contentLevel } };
  }
}

/** A positional row as an object (mutable tables' rows, which go through {@link checkRow}). */
function objectOf(names: string[], values: unknown[]): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  names.forEach((name, i) => (row[name] = values[i + 1]));
  return row;
}
