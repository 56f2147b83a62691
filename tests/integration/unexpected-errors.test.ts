import { execFile } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The process-wide handler in a real Node process (vitest has its own, so it runs in a child):
// a rejection nobody handled and an exception thrown from a timer are logged and the process goes
// on; a storm of exceptions ends it through `onStorm`.

const MODULE = path.resolve(__dirname, '../../src-main/unexpected-errors.ts');

function run(script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const source = `const { handleUnexpectedErrors } = require(${JSON.stringify(MODULE)});\n${script}`;
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', '-e', source], { timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('the process-wide handler for unexpected errors', () => {
  it('logs a stray rejection and an uncaught exception and keeps the process alive', async () => {
    const result = await run(`
      handleUnexpectedErrors({ name: 'core', onStorm: () => process.exit(70) });
      Promise.reject(new Error('nobody awaited me'));
      setTimeout(() => { throw new Error('thrown from a timer'); }, 10);
      setTimeout(() => console.log('still alive'), 100);
    `);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('still alive');
    expect(result.stderr).toMatch(/\[core\] unhandled rejection \(kept running\)[\s\S]*nobody awaited me/);
    expect(result.stderr).toMatch(/\[core\] unexpected error \(kept running\)[\s\S]*thrown from a timer/);
  });

  it('hands a storm of uncaught exceptions to onStorm', async () => {
    const result = await run(`
      handleUnexpectedErrors({ name: 'core', maxPerMinute: 3, onStorm: () => process.exit(70) });
      for (let i = 0; i < 10; i++) setTimeout(() => { throw new Error('again ' + i); }, i);
      setTimeout(() => console.log('never printed'), 1000);
    `);
    expect(result.code).toBe(70);
    expect(result.stdout).not.toContain('never printed');
  });

  it('without the handler, the same rejection ends the process (the baseline it guards against)', async () => {
    const result = await run(`Promise.reject(new Error('nobody awaited me')); setTimeout(() => console.log('still alive'), 100);`);
    expect(result.code).not.toBe(0);
    expect(result.stdout).not.toContain('still alive');
  });
});
