import type { LineBatch, LineRequest } from './line-batches';

/** What the scanning thread posts the parse thread. */
export type ParseRequest =
  /** Read and parse a file after the ones asked for before it. */
  | { type: 'parse'; id: number; request: LineRequest }
  /** The writer has taken `count` more batches: as many more may be sent. */
  | { type: 'credit'; count: number }
  /** The file's batches are no longer wanted. */
  | { type: 'cancel'; id: number };

/** What the parse thread posts back, for each file in the order asked. */
export type ParseReply =
  | { type: 'batch'; id: number; batch: LineBatch }
  /** The file's last batch was sent. */
  | { type: 'end'; id: number }
  /** Reading the file failed after the batches sent (the in-thread read would have thrown the same). */
  | { type: 'error'; id: number; message: string };
