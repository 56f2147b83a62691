import { workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { WriteTurns } from '../../db/write-turns';

// A bulk writer for the write-turns test, in its own thread as the first scan is: two transactions
// taken in turns; the first says when it holds the write lock and keeps it `holdMs`.

const { file, turns: buffer, signal: signalBuffer, holdMs } = workerData as { file: string; turns: SharedArrayBuffer; signal: SharedArrayBuffer; holdMs: number };
const turns = new WriteTurns(buffer);
const signal = new Int32Array(signalBuffer);
const db = new Database(file);
db.pragma('busy_timeout = 0');
const insert = db.prepare(`INSERT INTO log (what) VALUES (?)`);
turns.bulk(() =>
  db
    .transaction(() => {
      insert.run('bulk 1');
      Atomics.store(signal, 0, 1);
      Atomics.notify(signal, 0);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, holdMs);
    })
    .immediate(),
);
turns.bulk(() => db.transaction(() => insert.run('bulk 2')).immediate());
db.close();
