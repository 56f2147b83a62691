import { parentPort } from 'node:worker_threads';
import { readLineBatches, type LineRequest } from './line-batches';
import type { ParseReply, ParseRequest } from './parse-protocol';

// The parse thread of a scan: reads and parses line files, in the order asked, while the scanning
// thread writes the batches before them. It runs only as far ahead as the writer's credits allow,
// so a slow writer holds a few batches in memory, never a file.

const port = parentPort!;
const queue: { id: number; request: LineRequest }[] = [];
let credits = 0;
let current: number | null = null;
let cancelled = false;
let wake: (() => void) | null = null;

port.on('message', (message: ParseRequest) => {
  if (message.type === 'parse') queue.push({ id: message.id, request: message.request });
  else if (message.type === 'credit') credits += message.count;
  else if (message.id === current) cancelled = true;
  else {
    const waiting = queue.findIndex((q) => q.id === message.id);
    if (waiting !== -1) queue.splice(waiting, 1);
  }
  wake?.();
});

/** Resolves once `ready()` holds, re-checked after every message. */
async function until(ready: () => boolean): Promise<void> {
  while (!ready()) await new Promise<void>((resolve) => (wake = resolve));
  wake = null;
}

function post(reply: ParseReply): void {
  port.postMessage(reply);
}

async function run(): Promise<never> {
  for (;;) {
    await until(() => queue.length > 0);
    const { id, request } = queue.shift()!;
    current = id;
    cancelled = false;
    try {
      for await (const batch of readLineBatches(request)) {
        await until(() => credits > 0 || cancelled);
        if (cancelled) break;
        credits -= 1;
        post({ type: 'batch', id, batch });
      }
      if (!cancelled) post({ type: 'end', id });
    } catch (error) {
      if (!cancelled) post({ type: 'error', id, message: (error as Error).message });
    }
    current = null;
  }
}

// Only a bug gets here: the thread dies of it, and the scanning thread records it on the file it was reading.
run().catch((error: unknown) =>
  setImmediate(() => {
    throw error;
  }),
);
