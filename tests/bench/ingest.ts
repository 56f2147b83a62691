import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';
import { median, row } from './bench-utils';
import { ensureTranscriptCorpus, type TranscriptCorpus } from './transcript-corpus';

// The first scan of a large Claude Code transcript history (1 GB by default): Pitwall's scan into a fresh
// database, next to streaming every line through JSON.parse in the same run; its peak memory (in a child
// process of its own); then "tokens per day" from the scanned database next to `ccusage daily` on the same files.

const MEGABYTES = Number(process.env.PITWALL_BENCH_INGEST_MB ?? 1024);
const BASELINE_RUNS = Number(process.env.BENCH_RUNS ?? 3);
const QUERY_RUNS = 9;
const CCUSAGE_RUNS = Number(process.env.PITWALL_BENCH_CCUSAGE_RUNS ?? 2);
/** The ccusage to compare with; the next one is tried when it cannot run here (20.0.26 has no linux-x64 binary published). */
const CCUSAGE_VERSIONS = [...new Set([process.env.PITWALL_BENCH_CCUSAGE ?? '20.0.26', '20.0.24'])];
const RSS_TARGET_MIB = 512;
const REPO = path.resolve(__dirname, '../..');
const CHILD = path.join(__dirname, 'ingest-scan-child.ts');
const MB = 1024 * 1024;

const TOKENS_PER_DAY = `SELECT day, sum(input_tokens) AS input, sum(output_tokens) AS output, sum(cache_read_tokens) AS cacheRead, sum(cache_write_tokens) AS cacheWrite
  FROM usage_daily GROUP BY day ORDER BY day`;

interface DayTokens {
  day: string;
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

interface ScanChildResult {
  elapsedMs: number;
  maxRSS: number;
  progress: { filesDone: number; filesTotal: number; bytesDone: number; problems: number };
}

interface CcusageDaily {
  daily: { date: string; inputTokens: number; outputTokens: number; cacheReadTokens: number; cacheCreationTokens: number }[];
  totals: { inputTokens: number; outputTokens: number; cacheReadTokens: number; cacheCreationTokens: number };
}

function transcriptFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.jsonl'))
    .map((e) => path.join(e.parentPath, e.name));
}

/** Streams a file in 1 MB chunks and JSON.parses every complete line; answers the line count. */
async function parseEveryLine(file: string): Promise<number> {
  let lines = 0;
  let rest: Buffer | null = null;
  for await (const data of fs.createReadStream(file, { highWaterMark: MB })) {
    const chunk: Buffer = rest ? Buffer.concat([rest, data as Buffer]) : (data as Buffer);
    let from = 0;
    for (let nl = chunk.indexOf(10, from); nl !== -1; nl = chunk.indexOf(10, from)) {
      if (nl > from) {
        JSON.parse(chunk.toString('utf8', from, nl));
        lines += 1;
      }
      from = nl + 1;
    }
    rest = from < chunk.length ? chunk.subarray(from) : null;
  }
  return lines;
}

function scanInChild(dbFile: string, projectsDir: string): Promise<ScanChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dbFile, projectsDir], { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0) return reject(new Error(`scan child exited with ${code}: ${out.slice(-500)}`));
      try {
        resolve(JSON.parse(last) as ScanChildResult);
      } catch {
        reject(new Error(`scan child printed no result: ${out.slice(-500)}`));
      }
    });
  });
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd: REPO, env, maxBuffer: 1 << 28, timeout: 30 * 60_000 }, (error, stdout, stderr) => {
      if (error) {
        const detail = `${stderr}\n${stdout}\n${error.message}`.split('\n').find((l) => l.trim() !== '') ?? error.message;
        reject(new Error(detail.trim()));
      } else resolve(stdout);
    });
  });
}

function sumDays(days: DayTokens[]): Omit<DayTokens, 'day'> {
  return days.reduce((t, d) => ({ input: t.input + d.input, output: t.output + d.output, cacheRead: t.cacheRead + d.cacheRead, cacheWrite: t.cacheWrite + d.cacheWrite }), {
    input: 0,
    output: 0,
    cacheRead: 0,
    cacheWrite: 0,
  });
}

const fmt = (n: number) => n.toLocaleString('en-US');
const mbps = (bytes: number, ms: number) => bytes / MB / (ms / 1000);

/** Runs ccusage (the first version that runs here) and answers its parsed daily report, or null. */
async function ccusageDaily(corpus: TranscriptCorpus): Promise<{ version: string; ms: number; report: CcusageDaily } | null> {
  const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
  const env = { ...process.env, CLAUDE_CONFIG_DIR: corpus.claudeDir, TZ: 'UTC', NO_COLOR: '1' };
  for (const version of CCUSAGE_VERSIONS) {
    const spec = `ccusage@${version}`;
    try {
      // Installs into npx's cache first, so the timed runs do not include the download.
      await run(npx, ['--yes', spec, '--version'], env);
      const times: number[] = [];
      let report: CcusageDaily | null = null;
      for (let i = 0; i < CCUSAGE_RUNS; i++) {
        const t = performance.now();
        const stdout = await run(npx, ['--yes', spec, 'claude', 'daily', '--json', '--offline', '--timezone', 'UTC'], env);
        times.push(performance.now() - t);
        report = JSON.parse(stdout) as CcusageDaily;
      }
      return { version, ms: median(times), report: report! };
    } catch (error) {
      row(`${spec} claude daily --json --offline`, `failed: ${(error as Error).message.slice(0, 200)}`);
    }
  }
  return null;
}

/** Runs the transcript ingest benchmark. */
export async function benchIngest(): Promise<void> {
  try {
    let t = performance.now();
    const corpus = await ensureTranscriptCorpus({ megabytes: MEGABYTES });
    const corpusMs = performance.now() - t;
    const files = transcriptFiles(corpus.projectsDir);
    const projects = new Set(files.map((f) => path.dirname(f))).size;
    console.log(`\ningest of a Claude Code history: ${(corpus.bytes / MB).toFixed(0)} MB in ${files.length} files, ${projects} projects (${corpus.dir})`);
    row('corpus', corpus.reused ? 'reused' : `written in ${(corpusMs / 1000).toFixed(1)} s`, `${fmt(corpus.lines)} lines`, `${fmt(corpus.responses)} resp.`, `${fmt(corpus.splitResponses)} split`);

    // Baseline: stream every file and JSON.parse every line.
    const baseline: number[] = [];
    let lines = 0;
    for (let i = 0; i < BASELINE_RUNS; i++) {
      t = performance.now();
      lines = 0;
      for (const file of files) lines += await parseEveryLine(file);
      baseline.push(performance.now() - t);
    }
    if (lines !== corpus.lines) throw new Error(`baseline read ${lines} lines, the corpus has ${corpus.lines}`);
    const baseMs = median(baseline);
    const baseRate = mbps(corpus.bytes, baseMs);
    row('baseline: stream + JSON.parse every line', `${(baseMs / 1000).toFixed(2)} s`, `${baseRate.toFixed(0)} MB/s`, `median of ${BASELINE_RUNS}`);

    // Pitwall's first scan, into a fresh database, in a child process.
    const dbFile = path.join(tempDir('pitwall-bench-ingest-'), 'pitwall.db');
    t = performance.now();
    const scan = await scanInChild(dbFile, corpus.projectsDir);
    const wallMs = performance.now() - t;
    const scanRate = mbps(corpus.bytes, scan.elapsedMs);
    const peakMiB = scan.maxRSS / 1024;
    row('pitwall: first scan into a fresh database', `${(scan.elapsedMs / 1000).toFixed(2)} s`, `${scanRate.toFixed(1)} MB/s`, `(process ${(wallMs / 1000).toFixed(1)} s)`);
    row('ratio pitwall / baseline throughput', `${(scanRate / baseRate).toFixed(3)}x`);
    row(`pitwall: peak RSS of the scan (< ${RSS_TARGET_MIB} MiB)`, `${peakMiB.toFixed(0)} MiB`, peakMiB < RSS_TARGET_MIB ? 'ok' : 'OVER TARGET');
    row('pitwall: files scanned / problems', `${scan.progress.filesDone}/${scan.progress.filesTotal}`, `${scan.progress.problems} problems`);

    // Tokens per day, from the scanned database.
    const sqlite = new Database(dbFile, { readonly: true });
    let days: DayTokens[] = [];
    let queryMs: number;
    let rawMs: number;
    let rawAgrees: boolean;
    try {
      const counts = sqlite.prepare(`SELECT (SELECT count(*) FROM usage_records) AS usage, (SELECT count(*) FROM messages) AS messages, (SELECT count(*) FROM tool_calls) AS tools`).get() as { usage: number; messages: number; tools: number };
      row('pitwall: rows written', `${fmt(counts.usage)} usage`, `${fmt(counts.messages)} msgs`, `${fmt(counts.tools)} tools`);
      if (counts.usage !== corpus.responses) row('  usage records != responses in the corpus', fmt(counts.usage), fmt(corpus.responses));
      row('pitwall: database size', `${(fs.statSync(dbFile).size / MB).toFixed(0)} MB`);
      const statement = sqlite.prepare(TOKENS_PER_DAY);
      const times: number[] = [];
      for (let i = 0; i < QUERY_RUNS; i++) {
        t = performance.now();
        days = statement.all() as DayTokens[];
        times.push(performance.now() - t);
      }
      queryMs = median(times);
      // The same answer from the per-response rows, to show what the daily table saves and check it adds up.
      const raw = sqlite.prepare(TOKENS_PER_DAY.replace('usage_daily', 'usage_records'));
      const rawTimes: number[] = [];
      let rawDays: DayTokens[] = [];
      for (let i = 0; i < 3; i++) {
        t = performance.now();
        rawDays = raw.all() as DayTokens[];
        rawTimes.push(performance.now() - t);
      }
      rawMs = median(rawTimes);
      rawAgrees = JSON.stringify(rawDays) === JSON.stringify(days);
    } finally {
      sqlite.close();
    }
    console.log(`\ntokens per day (${days.length} days)`);
    row('pitwall: usage_daily GROUP BY day', `${queryMs.toFixed(2)} ms`, `median of ${QUERY_RUNS}`);
    row('  same from usage_records (no daily table)', `${rawMs.toFixed(1)} ms`, 'median of 3', rawAgrees ? 'same answer' : 'DIFFERENT answer');
    const ours = sumDays(days);
    const cc = await ccusageDaily(corpus);
    if (cc) {
      row(`ccusage@${cc.version} claude daily --json --offline`, `${(cc.ms / 1000).toFixed(2)} s`, `median of ${CCUSAGE_RUNS}`);
      row('ratio pitwall / ccusage', `${(queryMs / cc.ms).toPrecision(3)}x`, `(${Math.round(cc.ms / queryMs)}x faster)`);
    }

    console.log('\ntoken totals: pitwall, ccusage, generated');
    const theirs = cc?.report.totals;
    const generated = corpus.tokens;
    const compare = (label: string, mine: number, other: number | undefined, truth: string) => {
      row(label, fmt(mine), other === undefined ? 'n/a' : fmt(other), truth, other === undefined ? '' : mine === other ? 'agree' : `differ ${mine - other > 0 ? '+' : ''}${fmt(mine - other)}`);
    };
    compare('input tokens', ours.input, theirs?.inputTokens, fmt(generated.input));
    compare('output tokens', ours.output, theirs?.outputTokens, `${fmt(generated.outputMax)} max`);
    row('  generated, split responses by first line', '', '', `${fmt(generated.outputFirst)} first`);
    compare('cache read tokens', ours.cacheRead, theirs?.cacheReadTokens, fmt(generated.cacheRead));
    compare('cache write tokens', ours.cacheWrite, theirs?.cacheCreationTokens, fmt(generated.cacheWrite));
    if (cc) {
      // Per day, all four counts. A response split over two lines that straddle UTC midnight can land on different days.
      const total = (d: Omit<DayTokens, 'day'>) => d.input + d.output + d.cacheRead + d.cacheWrite;
      const mine = new Map(days.map((d) => [d.day, d]));
      const other = new Map(cc.report.daily.map((d) => [d.date, { input: d.inputTokens, output: d.outputTokens, cacheRead: d.cacheReadTokens, cacheWrite: d.cacheCreationTokens }]));
      const zero = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
      let same = 0;
      let worst = { day: '', tokens: 0, share: 0 };
      const all = [...new Set([...mine.keys(), ...other.keys()])];
      for (const day of all) {
        const m = mine.get(day) ?? { day, ...zero };
        const o = other.get(day) ?? zero;
        if (m.input === o.input && m.output === o.output && m.cacheRead === o.cacheRead && m.cacheWrite === o.cacheWrite) same += 1;
        const diff = Math.abs(m.input - o.input) + Math.abs(m.output - o.output) + Math.abs(m.cacheRead - o.cacheRead) + Math.abs(m.cacheWrite - o.cacheWrite);
        if (diff > worst.tokens) worst = { day, tokens: diff, share: diff / Math.max(total(o), 1) };
      }
      row('days with all four counts equal', `${same}/${all.length}`, `(ccusage: ${cc.report.daily.length} days)`);
      if (worst.tokens > 0) row('  largest difference on one day', `${fmt(worst.tokens)} tok.`, `${(worst.share * 100).toFixed(3)}%`, worst.day);
    }
  } finally {
    removeTempDirs();
  }
}
