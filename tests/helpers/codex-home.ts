import fs from 'node:fs';
import path from 'node:path';

/** The installed Codex CLI (a devDependency). */
export const CODEX_BIN = path.resolve(__dirname, '../../node_modules/.bin/codex');

/**
 * A private HOME for the real Codex CLI against a scripted Responses API at `apiUrl`: the profile's
 * environment and the arguments that point Codex at that API. Nothing of the developer's own setup is read.
 */
export function codexProfile(home: string, apiUrl: string): { env: Record<string, string>; args: string[] } {
  const codexHome = path.join(home, '.codex');
  fs.mkdirSync(path.join(codexHome, 'sessions'), { recursive: true });
  return {
    env: { HOME: home, CODEX_HOME: codexHome, MOCK_KEY: 'scripted', TERM: 'xterm-256color' },
    args: ['-c', 'model_provider=mock', '-c', `model_providers.mock={name="mock",base_url="${apiUrl}",wire_api="responses",env_key="MOCK_KEY"}`],
  };
}
