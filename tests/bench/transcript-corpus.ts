import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// A synthetic Claude Code transcript corpus for the ingest benchmark: `<dir>/claude/projects/<encoded-cwd>/<uuid>.jsonl`,
// built from the shapes of real transcripts (the samples in shared/) with fresh ids, times, models and usage.
// Files are written through streams in ~1 MB chunks, so the corpus is never held in memory. A finished corpus
// leaves a marker file; a later run with the same size and generator version reuses it.

/** Bump when the generated lines change shape, so an old corpus on disk is rebuilt. */
const GENERATOR_VERSION = 1;
const MB = 1024 * 1024;
const PROJECTS = 40;
const MIN_FILE = 0.5 * MB;
const MAX_FILE = 8 * MB;
const DAYS = 60;
const START = Date.UTC(2026, 0, 5);
const MODELS: [string, number][] = [
  ['claude-opus-4-6', 0.5],
  ['claude-sonnet-4-5-20250929', 0.35],
  ['claude-haiku-4-5-20251001', 0.15],
];
const MARKER = 'corpus.json';

/** The samples the line shapes are taken from (shared/ beside the repo). */
export const DEFAULT_SAMPLES_DIR = process.env.PITWALL_BENCH_SAMPLES ?? path.resolve(__dirname, '../../../shared/samples/claude-code');

/** A corpus on disk and what is in it. */
export interface TranscriptCorpus {
  dir: string;
  /** What `CLAUDE_CONFIG_DIR` should point at. */
  claudeDir: string;
  /** The Claude Code transcript root (`<claudeDir>/projects`). */
  projectsDir: string;
  files: number;
  bytes: number;
  lines: number;
  /** API responses (unique message.id + requestId), some of them split over two lines. */
  responses: number;
  splitResponses: number;
  /** What the corpus holds, counting each response once: output by its first line, and by its largest. */
  tokens: CorpusTokens;
  reused: boolean;
}

/** Token totals of a corpus. */
export interface CorpusTokens {
  input: number;
  outputFirst: number;
  outputMax: number;
  cacheRead: number;
  cacheWrite: number;
}

interface Marker extends Omit<TranscriptCorpus, 'reused' | 'dir' | 'claudeDir' | 'projectsDir'> {
  version: number;
  megabytes: number;
}

type Json = Record<string, unknown>;

interface Templates {
  prompts: Json[];
  toolResults: Json[];
  texts: Json[];
  thinkings: Json[];
  toolUses: Json[];
}

/** Options for {@link ensureTranscriptCorpus}. */
export interface CorpusOptions {
  /** Total size to write, in MiB. */
  megabytes: number;
  /** Where to put it; defaults to `os.tmpdir()/pitwall-bench-corpus-<MB>`. */
  dir?: string;
  samplesDir?: string;
  seed?: number;
}

/** Small seeded PRNG (mulberry32): the same seed writes the same corpus. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function blocksOf(entry: Json): Json[] {
  const message = entry.message as Json | undefined;
  return Array.isArray(message?.content) ? (message.content as Json[]) : [];
}

/** The user / assistant / tool_result lines of the samples, sorted into the kinds the generator needs. */
function loadTemplates(samplesDir: string): Templates {
  const t: Templates = { prompts: [], toolResults: [], texts: [], thinkings: [], toolUses: [] };
  const files = fs.readdirSync(samplesDir).filter((f) => f.endsWith('.jsonl'));
  for (const file of files) {
    for (const line of fs.readFileSync(path.join(samplesDir, file), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      let entry: Json;
      try {
        entry = JSON.parse(line) as Json;
      } catch {
        continue;
      }
      const message = entry.message as Json | undefined;
      if (!message || entry.isMeta === true || entry.isCompactSummary === true || entry.isSidechain === true) continue;
      const blocks = blocksOf(entry);
      if (entry.type === 'user') {
        const results = blocks.filter((b) => b.type === 'tool_result');
        if (results.length === 1 && blocks.length === 1) t.toolResults.push(entry);
        else if (results.length === 0 && (typeof message.content === 'string' || blocks.some((b) => b.type === 'text'))) t.prompts.push(entry);
      } else if (entry.type === 'assistant' && blocks.length === 1 && message.usage) {
        const kind = blocks[0]!.type;
        if (kind === 'text') t.texts.push(entry);
        else if (kind === 'thinking') t.thinkings.push(entry);
        else if (kind === 'tool_use') t.toolUses.push(entry);
      }
    }
  }
  for (const [kind, list] of Object.entries(t)) if ((list as Json[]).length === 0) throw new Error(`no ${kind} lines in the samples at ${samplesDir}`);
  return t;
}

/** Claude Code's folder name for a working directory. */
function encodeCwd(cwd: string): string {
  return cwd.replace(/[^a-zA-Z0-9]/g, '-');
}

/** A corpus of at least `megabytes` MiB, written now or reused from an earlier run. */
export async function ensureTranscriptCorpus(options: CorpusOptions): Promise<TranscriptCorpus> {
  const dir = options.dir ?? path.join(os.tmpdir(), `pitwall-bench-corpus-${options.megabytes}`);
  const claudeDir = path.join(dir, 'claude');
  const projectsDir = path.join(claudeDir, 'projects');
  const markerFile = path.join(dir, MARKER);
  try {
    const marker = JSON.parse(fs.readFileSync(markerFile, 'utf8')) as Marker;
    if (marker.version === GENERATOR_VERSION && marker.megabytes === options.megabytes) {
      const { version: _version, megabytes: _megabytes, ...totals } = marker;
      return { dir, claudeDir, projectsDir, ...totals, reused: true };
    }
  } catch {
    // No finished corpus there: write one.
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(projectsDir, { recursive: true });

  const templates = loadTemplates(options.samplesDir ?? DEFAULT_SAMPLES_DIR);
  const random = prng(options.seed ?? 20260105);
  const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)]!;
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');
  const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[int(0, 3)]}${hex(3)}-${hex(12)}`;
  const model = () => {
    let r = random();
    for (const [name, weight] of MODELS) if ((r -= weight) < 0) return name;
    return MODELS[0]![0];
  };
  const cwds = Array.from({ length: PROJECTS }, (_, i) => `/home/dev/work/${['api', 'web', 'infra', 'tools', 'mobile'][i % 5]}-service-${i}`);

  const target = options.megabytes * MB;
  let counter = 0;
  const tokens: CorpusTokens = { input: 0, outputFirst: 0, outputMax: 0, cacheRead: 0, cacheWrite: 0 };
  const totals = { files: 0, bytes: 0, lines: 0, responses: 0, splitResponses: 0, tokens };

  while (totals.bytes < target) {
    const remaining = target - totals.bytes;
    // Log-uniform between 0.5 and 8 MB: many small sessions, a few big ones.
    let size = Math.round(MIN_FILE * Math.pow(MAX_FILE / MIN_FILE, random()));
    if (remaining - size < MIN_FILE) size = remaining;
    const cwd = cwds[totals.files % PROJECTS]!;
    const sessionId = uuid();
    const folder = path.join(projectsDir, encodeCwd(cwd));
    fs.mkdirSync(folder, { recursive: true });
    const stream = fs.createWriteStream(path.join(folder, `${sessionId}.jsonl`));
    const finished = new Promise<void>((resolve, reject) => {
      stream.once('finish', resolve);
      stream.once('error', reject);
    });
    let chunk = '';
    let written = 0;
    const flush = async () => {
      if (!chunk) return;
      const ok = stream.write(chunk);
      chunk = '';
      if (!ok) await new Promise<void>((resolve) => stream.once('drain', resolve));
    };
    let at = START + Math.floor(random() * DAYS * 86_400_000);
    let parent: string | null = null;
    const emit = async (entry: Json, fields: Json) => {
      const id = uuid();
      at += int(200, 20_000);
      Object.assign(entry, { parentUuid: parent, cwd, sessionId, uuid: id, timestamp: new Date(at).toISOString() }, fields);
      parent = id;
      const line = JSON.stringify(entry) + '\n';
      chunk += line;
      written += Buffer.byteLength(line);
      totals.lines += 1;
      if (chunk.length >= MB) await flush();
      return id;
    };

    while (written < size) {
      // A turn: a prompt, then a run of API responses; those ending in a tool call get its result back.
      at += int(30_000, 1_800_000);
      await emit(pick(templates.prompts), {});
      const responses = int(1, 8);
      for (let r = 0; r < responses && written < size; r++) {
        counter += 1;
        const messageId = `msg_bench${counter.toString().padStart(10, '0')}`;
        const requestId = `req_bench${counter.toString().padStart(10, '0')}`;
        const name = model();
        const last = r === responses - 1;
        const usage = {
          input_tokens: random() < 0.8 ? int(1, 12) : int(100, 6000),
          cache_creation_input_tokens: random() < 0.3 ? 0 : int(100, 25_000),
          cache_read_input_tokens: int(8_000, 160_000),
          output_tokens: int(8, 1800),
        };
        // Claude Code writes a response as one line per content block; about half are split over two lines,
        // the later line carrying the same or a larger output count.
        const split = random() < 0.5;
        const blocks: Json[] = split ? [pick(random() < 0.5 ? templates.thinkings : templates.texts), pick(last ? templates.texts : templates.toolUses)] : [pick(last ? templates.texts : templates.toolUses)];
        let toolId: string | null = null;
        let assistantId = '';
        let maxOutput = 0;
        for (let b = 0; b < blocks.length; b++) {
          const entry = blocks[b]!;
          const message = entry.message as Json;
          const content = message.content as Json[];
          if (content[0]!.type === 'tool_use') {
            toolId = `toolu_bench${counter.toString().padStart(10, '0')}`;
            content[0]!.id = toolId;
          }
          const output = b === 0 ? usage.output_tokens : random() < 0.5 ? usage.output_tokens : usage.output_tokens + int(1, 900);
          message.id = messageId;
          message.model = name;
          message.usage = { ...usage, output_tokens: output, service_tier: 'standard' };
          maxOutput = Math.max(maxOutput, output);
          assistantId = await emit(entry, { requestId });
        }
        totals.responses += 1;
        tokens.input += usage.input_tokens;
        tokens.outputFirst += usage.output_tokens;
        tokens.outputMax += maxOutput;
        tokens.cacheRead += usage.cache_read_input_tokens;
        tokens.cacheWrite += usage.cache_creation_input_tokens;
        if (split) totals.splitResponses += 1;
        if (toolId) {
          const result = pick(templates.toolResults);
          blocksOf(result)[0]!.tool_use_id = toolId;
          await emit(result, { sourceToolAssistantUUID: assistantId });
        }
      }
    }
    await flush();
    stream.end();
    await finished;
    totals.files += 1;
    totals.bytes += written;
  }

  const marker: Marker = { version: GENERATOR_VERSION, megabytes: options.megabytes, ...totals };
  fs.writeFileSync(markerFile, JSON.stringify(marker, null, 2));
  return { dir, claudeDir, projectsDir, ...totals, reused: false };
}
