import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../src-main/app';
import type { ScanLauncher } from '../../src-main/transcripts/transcript-service';
import { scanLaunchFromSource } from '../helpers/scan-launch';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';
import { makeTestApp } from '../helpers/test-app';

// Restarts of the transcript watchers asked for in a burst (a root turned off and on again, the
// time zone changed, a new root appearing) never overlap: one scan worker at a time, one watcher
// per root, and none left running after dispose.

const FIXTURES = path.resolve(__dirname, '../fixtures/transcripts');
let app: App | null = null;
afterEach(async () => {
  await app?.dispose();
  app = null;
});
afterAll(removeTempDirs);

describe('transcript watcher restarts', () => {
  it('never run two scan workers at once nor double the watchers when asked for together', async () => {
    const home = tempDir('pitwall-home-');
    const claude = path.join(home, '.claude/projects/-work-demo');
    fs.mkdirSync(claude, { recursive: true });
    fs.copyFileSync(path.join(FIXTURES, 'git-ai-project__git-ai__example-claude-code.jsonl'), path.join(claude, '8c1b1a4e-0000-4000-8000-000000000001.jsonl'));
    const codex = path.join(home, '.codex/sessions/2026/02/11');
    fs.mkdirSync(codex, { recursive: true });
    fs.copyFileSync(path.join(FIXTURES, 'git-ai-project__git-ai__codex-session-simple.jsonl'), path.join(codex, 'rollout-2026-02-11T05-53-33-019c4b43-1451-7af3-be4c-5576369bf1ba.jsonl'));

    let live = 0;
    let most = 0;
    let launched = 0;
    const counting: ScanLauncher = (data) => {
      const handle = scanLaunchFromSource(data);
      launched += 1;
      live += 1;
      most = Math.max(most, live);
      handle.onExit(() => (live -= 1));
      return handle;
    };
    app = makeTestApp(tempDir('pitwall-data-'), { ...process.env, HOME: home }, { transcriptScanLaunch: counting });
    await app.transcripts.scanDone();
    const roots = app.transcripts.roots().filter((r) => r.enabled && r.exists);
    expect(roots.length).toBe(2);
    expect(app.transcripts.stats().watchers).toBe(2);

    // A burst: a root off and on again through the contract, and two restarts asked directly.
    const codexRoot = roots.find((r) => r.source === 'codex')!;
    app.transcripts.updateRoot({ source: 'codex', path: codexRoot.path, enabled: false });
    app.transcripts.updateRoot({ source: 'codex', path: codexRoot.path, enabled: true });
    app.transcripts.requestRestart();
    app.transcripts.requestRestart();
    await app.transcripts.restarted();
    await app.transcripts.scanDone();

    expect(most).toBe(1);
    expect(app.transcripts.stats()).toEqual({ watchers: 2, scanning: false });
    // The first start and at most two more (the one running when the burst came, and one after it).
    expect(launched).toBeGreaterThanOrEqual(2);
    expect(launched).toBeLessThanOrEqual(3);

    await app.dispose();
    app = null;
    expect(live).toBe(0);
  });
});
