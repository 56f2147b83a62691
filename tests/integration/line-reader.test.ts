import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readLines, type ReadLine } from '../../src-main/transcripts/line-reader';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';

afterAll(removeTempDirs);

/** Lines of many lengths (some longer than the 1 MB chunk the reader reads ahead in), some ending in CRLF. */
function writeFile(): { file: string; lines: string[]; bytes: Buffer } {
  const lines: string[] = [];
  for (let i = 0; i < 400; i++) {
    const length = i % 97 === 0 ? 1_300_000 + i : (i * 7919) % 20_000;
    lines.push(`${i}:${String.fromCharCode(97 + (i % 26)).repeat(length)}é`);
  }
  const text = lines.map((l, i) => (i % 5 === 0 ? `${l}\r\n` : `${l}\n`)).join('');
  const file = path.join(tempDir('pitwall-lines-'), 'lines.jsonl');
  const bytes = Buffer.from(`${text}unfinished`);
  fs.writeFileSync(file, bytes);
  return { file, lines, bytes };
}

async function all(file: string, start: number, maxLine: number): Promise<ReadLine[]> {
  const read: ReadLine[] = [];
  for await (const line of readLines(file, start, maxLine)) read.push(line);
  return read;
}

describe('the line reader', () => {
  it('yields every complete line of a file many chunks long, where it starts and ends, and not the unfinished last one', async () => {
    const { file, lines, bytes } = writeFile();
    expect(bytes.length).toBeGreaterThan(6 * 1024 * 1024);
    const read = await all(file, 0, 16 * 1024 * 1024);
    expect(read.map((l) => (l.kind === 'line' ? l.text : null))).toEqual(lines);
    for (const l of read) expect(bytes.toString('utf8', l.offset, l.end).replace(/\r?\n$/, '')).toBe(l.kind === 'line' ? l.text : '');
    expect(read.at(-1)!.end).toBe(bytes.length - 'unfinished'.length);
  });

  it('starts at an offset, and skips lines longer than the limit whole', async () => {
    const { file, lines, bytes } = writeFile();
    const start = bytes.indexOf('\n3:') + 1;
    const read = await all(file, start, 1_000_000);
    const expected = lines.slice(3).map((l) => (l.length > 1_000_000 ? 'oversize' : l));
    expect(read.map((l) => (l.kind === 'line' ? l.text : l.kind))).toEqual(expected);
    expect(read.filter((l) => l.kind === 'oversize').length).toBe(4);
  });

  it('can be stopped midway with a read ahead in flight, and leaves the file to be read again', async () => {
    const { file, lines } = writeFile();
    for (let stopAfter = 1; stopAfter <= 3; stopAfter++) {
      const read: string[] = [];
      for await (const line of readLines(file, 0, 16 * 1024 * 1024)) {
        read.push(line.kind === 'line' ? line.text : line.kind);
        if (read.length === stopAfter) break;
      }
      expect(read).toEqual(lines.slice(0, stopAfter));
    }
    expect((await all(file, 0, 16 * 1024 * 1024)).length).toBe(lines.length);
  });
});
