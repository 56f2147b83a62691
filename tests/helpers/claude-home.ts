import fs from 'node:fs';
import path from 'node:path';

/** The API key the scripted tests use (any value works against the scripted API). */
export const SCRIPTED_API_KEY = 'sk-ant-scripted-test-key-0000000000';

/** The installed Claude Code CLI (devDependency). */
export const CLAUDE_BIN = path.resolve(__dirname, '../../node_modules/.bin/claude');

/**
 * Seeds a private HOME so the interactive Claude Code TUI skips onboarding, trusts `projectDirs`
 * and accepts the scripted key, and returns the environment that points it at the scripted API.
 */
export function seedClaudeHome(home: string, apiUrl: string, projectDirs: string[]): Record<string, string> {
  fs.mkdirSync(home, { recursive: true });
  const projects = Object.fromEntries(projectDirs.map((dir) => [dir, { hasTrustDialogAccepted: true, allowedTools: [] }]));
  fs.writeFileSync(
    path.join(home, '.claude.json'),
    JSON.stringify({
      hasCompletedOnboarding: true,
      theme: 'dark',
      numStartups: 1,
      projects,
      customApiKeyResponses: { approved: [SCRIPTED_API_KEY.slice(-20)], rejected: [] },
    }),
  );
  return {
    HOME: home,
    ANTHROPIC_BASE_URL: apiUrl,
    ANTHROPIC_API_KEY: SCRIPTED_API_KEY,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
  };
}
