import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Where the homes the test process started with are kept, for children (a core in its own process) to check too. */
const REAL_HOMES_VARIABLE = 'PITWALL_TEST_REAL_HOMES';

/** The variables that name a home: they point at the private home. */
const HOME_VARIABLES = ['HOME', 'USERPROFILE', 'APPDATA', 'LOCALAPPDATA'] as const;

/**
 * The XDG folders: unset, so every program (and the core's defaults) puts them under whichever
 * HOME it is given, the private one or one a test makes for an agent.
 */
const XDG_VARIABLES = ['XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_CACHE_HOME', 'XDG_STATE_HOME'];

/** Agents' own overrides of where they keep their files, which would lead back into the real home. */
const AGENT_HOME_VARIABLES = ['CLAUDE_CONFIG_DIR', 'CODEX_HOME', 'GEMINI_CLI_HOME'];

function canonical(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/** The homes the test run started with (the account's, and HOME as the runner set it). */
export function realHomes(): string[] {
  const recorded = process.env[REAL_HOMES_VARIABLE];
  if (recorded) return JSON.parse(recorded) as string[];
  const homes = [os.userInfo().homedir, process.env.HOME, process.env.USERPROFILE].filter((h): h is string => typeof h === 'string' && h.length > 0);
  return [...new Set(homes.map(canonical))];
}

/** Whether `dir` is a real home or inside one. */
export function isInRealHome(dir: string): boolean {
  const resolved = canonical(dir);
  return realHomes().some((home) => resolved === home || resolved.startsWith(`${home}${path.sep}`));
}

/** Fails loudly when `home` (a HOME a test is about to use) is, or is inside, the real home. */
export function assertPrivateHome(home: string | undefined, what = 'HOME'): void {
  if (!home) return;
  if (isInRealHome(home)) {
    throw new Error(`${what} is ${home}, the real home of this machine's user: tests must run with a private one (tests/helpers/private-home.ts)`);
  }
}

/** Checks that every home variable, and Node's idea of the home, still points away from the real home. */
export function assertEnvironmentPrivate(): void {
  assertPrivateHome(os.homedir(), 'os.homedir()');
  for (const name of [...HOME_VARIABLES, ...XDG_VARIABLES, ...AGENT_HOME_VARIABLES]) assertPrivateHome(process.env[name], name);
}

/**
 * Points HOME, USERPROFILE and the AppData folders at a fresh empty folder and drops the XDG
 * folders and the agents' own home overrides, so nothing a test runs (the core, login shells, agent CLIs, git) reads
 * or writes the developer's real home. Answers the private home.
 */
export function usePrivateHome(): string {
  process.env[REAL_HOMES_VARIABLE] = JSON.stringify(realHomes());
  const home = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'pitwall-home-')));
  assertPrivateHome(home, 'the private home');
  const folders: Record<(typeof HOME_VARIABLES)[number], string> = {
    HOME: home,
    USERPROFILE: home,
    APPDATA: path.join(home, 'AppData', 'Roaming'),
    LOCALAPPDATA: path.join(home, 'AppData', 'Local'),
  };
  for (const [name, folder] of Object.entries(folders)) process.env[name] = folder;
  for (const name of [...XDG_VARIABLES, ...AGENT_HOME_VARIABLES]) delete process.env[name];
  assertEnvironmentPrivate();
  return home;
}
