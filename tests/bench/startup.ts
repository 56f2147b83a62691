import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SERVE_ENTRY } from '../helpers/serve-process';
import { median, residentMiB, row } from './bench-utils';

// Time from starting the headless shell to its first answered request, and its idle memory,
// next to a bare Node HTTP server started and asked the same way in the same run.

const RUNS = Number(process.env.BENCH_RUNS ?? 9);

const BARE_SERVER = `
const http = require('node:http');
const server = http.createServer((req, res) => { res.setHeader('content-type', 'application/json'); res.end('{"ok":true,"value":[]}'); });
server.listen(0, '127.0.0.1', () => console.log('Pitwall listening on http://127.0.0.1:' + server.address().port + '/#token=bare'));
`;

interface Sample {
  firstAnswerMs: number;
  idleMiB: number | null;
}

async function measure(args: string[]): Promise<Sample> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const url = await new Promise<URL>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /listening on (\S+)/.exec(out);
        if (match) resolve(new URL(match[1]!));
      });
      child.once('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
    });
    const token = new URLSearchParams(url.hash.slice(1)).get('token')!;
    const res = await fetch(new URL('/rpc/projects:list', url), { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}' });
    await res.json();
    const firstAnswerMs = performance.now() - started;
    await new Promise((r) => setTimeout(r, 1500));
    return { firstAnswerMs, idleMiB: await residentMiB(child.pid!) };
  } finally {
    child.kill('SIGKILL');
  }
}

/** Runs the startup benchmark and prints medians and ratios. */
export async function benchStartup(): Promise<void> {
  if (!fs.existsSync(SERVE_ENTRY)) throw new Error('Build first: npx electron-vite build');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pitwall-bench-startup-'));
  const bareScript = path.join(dir, 'bare.js');
  fs.writeFileSync(bareScript, BARE_SERVER);
  const pitwall: Sample[] = [];
  const bare: Sample[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      // A fresh data dir each time: the first start also creates the database and migrates it.
      pitwall.push(await measure([SERVE_ENTRY, '--port', '0', '--data-dir', path.join(dir, `data-${i}`)]));
      bare.push(await measure([bareScript]));
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const pMs = median(pitwall.map((s) => s.firstAnswerMs));
  const bMs = median(bare.map((s) => s.firstAnswerMs));
  const pMem = median(pitwall.map((s) => s.idleMiB ?? NaN));
  const bMem = median(bare.map((s) => s.idleMiB ?? NaN));
  console.log(`\nstartup (${RUNS} runs each, medians)`);
  row('', 'first answer', 'idle RSS');
  row('pitwall headless shell (fresh data dir)', `${pMs.toFixed(0)} ms`, `${pMem.toFixed(1)} MiB`);
  row('bare node http server (baseline)', `${bMs.toFixed(0)} ms`, `${bMem.toFixed(1)} MiB`);
  row('ratio pitwall / baseline', `${(pMs / bMs).toFixed(2)}x`, `${(pMem / bMem).toFixed(2)}x`);
}
