import fs from 'node:fs';
import path from 'node:path';

/** The installed Gemini CLI (a devDependency). */
export const GEMINI_BIN = path.resolve(__dirname, '../../node_modules/.bin/gemini');

/**
 * A private HOME for the real Gemini CLI against a scripted API at `apiUrl`: API-key auth chosen in
 * its settings (so no sign-in dialog), the key and the base URL in the environment.
 */
export function geminiProfileEnv(home: string, apiUrl: string): Record<string, string> {
  fs.mkdirSync(path.join(home, '.gemini'), { recursive: true });
  fs.writeFileSync(path.join(home, '.gemini', 'settings.json'), JSON.stringify({ security: { auth: { selectedType: 'gemini-api-key' } } }));
  return { HOME: home, GEMINI_API_KEY: 'scripted', GOOGLE_GEMINI_BASE_URL: apiUrl, TERM: 'xterm-256color', NO_BROWSER: 'true' };
}
