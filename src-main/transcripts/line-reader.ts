import fs from 'node:fs';

/** A complete line of a file, or a line too long to hold, which is skipped whole. */
export type ReadLine =
  | { kind: 'line'; text: string; offset: number; end: number }
  | { kind: 'oversize'; offset: number; end: number };

const CHUNK = 1 << 20;

/**
 * Streams the complete (`\n`-terminated) lines of a file from `start`. A final line without its newline
 * is not yielded: the writer may be mid-line. Lines longer than `maxLine` bytes are never buffered whole.
 */
export async function* readLines(file: string, start: number, maxLine: number): AsyncGenerator<ReadLine> {
  const handle = await fs.promises.open(file, 'r');
  // Two buffers: the next chunk is read while the lines of this one are parsed and written (a read
  // awaited only when its chunk is needed), as a stream reads ahead.
  const buffers = [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)];
  let reading: Promise<{ bytesRead: number }> | null = handle.read(buffers[0]!, 0, CHUNK, start);
  try {
    let current = 0;
    let position = start;
    let lineStart = start;
    let pending: Buffer[] = [];
    let pendingLength = 0;
    let skipping = false;
    for (;;) {
      const { bytesRead }: { bytesRead: number } = await reading!;
      reading = null;
      if (bytesRead === 0) return;
      const chunk = buffers[current]!.subarray(0, bytesRead);
      current = 1 - current;
      // Every line yielded is a copy (a string, or pieces copied aside), so the other buffer is free.
      reading = handle.read(buffers[current]!, 0, CHUNK, position + bytesRead);
      let from = 0;
      for (;;) {
        const newline = chunk.indexOf(10, from);
        if (newline === -1) {
          if (!skipping) {
            pending.push(Buffer.from(chunk.subarray(from)));
            pendingLength += bytesRead - from;
            if (pendingLength > maxLine) {
              skipping = true;
              pending = [];
            }
          }
          break;
        }
        const end = position + newline + 1;
        if (skipping || pendingLength + (newline - from) > maxLine) {
          yield { kind: 'oversize', offset: lineStart, end };
        } else {
          const piece = chunk.subarray(from, newline);
          const line = pendingLength > 0 ? Buffer.concat([...pending, piece]) : piece;
          const length = line.length > 0 && line[line.length - 1] === 13 ? line.length - 1 : line.length;
          yield { kind: 'line', text: line.toString('utf8', 0, length), offset: lineStart, end };
        }
        skipping = false;
        pending = [];
        pendingLength = 0;
        lineStart = end;
        from = newline + 1;
      }
      position += bytesRead;
    }
  } finally {
    // A reader stopped midway still has a read in flight: it must end before the file is closed.
    await reading?.catch(() => undefined);
    await handle.close();
  }
}

/** The bytes of a file from `start` to its end. */
export async function readFrom(file: string, start: number): Promise<Buffer> {
  if (start === 0) return fs.promises.readFile(file);
  const handle = await fs.promises.open(file, 'r');
  try {
    const { size } = await handle.stat();
    const buffer = Buffer.alloc(Math.max(0, size - start));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, start);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
