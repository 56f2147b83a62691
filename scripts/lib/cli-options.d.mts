/** One command-line option: its parseArgs type, an optional one-letter alias, and its help. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  value?: string;
  help: string;
}

/** Options of the headless shell (also `npm start`, which falls back to it without Electron). */
export const SERVE_OPTIONS: Record<string, OptionSpec>;
/** Options that only the headless shell uses (the desktop app ignores them). */
export const HEADLESS_ONLY: string[];

/** Help text for a command taking the serve options. */
export function usage(command: string, summary: string, options?: Record<string, OptionSpec>): string;

/** The outcome of {@link parseCommandLine}; never a throw. */
export type ParsedCommandLine =
  | { kind: 'help' }
  | { kind: 'error'; message: string }
  | { kind: 'ok'; values: Record<string, string | boolean | undefined> };

/** Parses argv against the options, naming any unknown option or missing value. */
export function parseCommandLine(argv: readonly string[], options?: Record<string, OptionSpec>): ParsedCommandLine;

/** Checked option values, or the reason they are wrong. */
export type ServeValues =
  | { ok: true; port: number; dataDir: string | undefined; token: string | undefined; tokenFile: string | undefined }
  | { ok: false; message: string };

/** Checks the serve options' values and their environment fallbacks (the token file is read by the caller). */
export function checkServeValues(values: Record<string, string | boolean | undefined>, env?: NodeJS.ProcessEnv): ServeValues;

/** The checked options as arguments for the started process, relative paths made absolute against `base` (default INIT_CWD, else the cwd). */
export function forwardArgs(checked: Extract<ServeValues, { ok: true }>, base?: string): string[];
