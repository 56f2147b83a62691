// The command-line options of `npm run serve` / `npm start` and their checks, in plain JS so the
// launch scripts can refuse a bad command line before they spend time building, and the built
// headless shell (src-main/serve.ts) applies the same rules.
import path from 'node:path';
import { parseArgs } from 'node:util';

/** Options of the headless shell (also `npm start`, which falls back to it without Electron). */
export const SERVE_OPTIONS = {
  port: { type: 'string', value: 'N', help: 'Port on 127.0.0.1 (0 picks a free one). Default: PITWALL_PORT, else 4785.' },
  'data-dir': { type: 'string', value: 'DIR', help: 'Folder for the database and logs. Default: PITWALL_DATA_DIR, else ~/.config/pitwall\n(Linux), ~/Library/Application Support/pitwall (macOS), %APPDATA%\\pitwall (Windows).' },
  'token-file': { type: 'string', value: 'FILE', help: 'Read the access token from FILE (its first line). The file must be yours and\nreadable by you only (chmod 600), or Pitwall refuses to start.' },
  token: { type: 'string', value: 'T', help: 'The access token itself. Every user of this machine can read it with `ps`:\nprefer --token-file or PITWALL_TOKEN.' },
  help: { type: 'boolean', short: 'h', help: 'Print this help and exit.' },
};

/** Options that only the headless shell uses (the desktop app ignores them). */
export const HEADLESS_ONLY = ['port', 'token', 'token-file'];

const ENVIRONMENT = [
  ['PITWALL_PORT', 'the port, when --port is not given'],
  ['PITWALL_DATA_DIR', 'the data folder, when --data-dir is not given'],
  ['PITWALL_TOKEN', 'the access token, when neither --token nor --token-file is given (not visible in ps)'],
];

/** Help text for a command taking {@link SERVE_OPTIONS}. */
export function usage(command, summary, options = SERVE_OPTIONS) {
  const rows = Object.entries(options).map(([name, o]) => [`${o.short ? `-${o.short}, ` : ''}--${name}${o.value ? ` ${o.value}` : ''}`, o.help]);
  const width = Math.max(...rows.map(([left]) => left.length), ...ENVIRONMENT.map(([name]) => name.length)) + 2;
  const lines = [`Usage: ${command} [options]`, '', summary, '', 'Options:'];
  for (const [left, help] of rows) lines.push(`  ${left.padEnd(width)}${help.replaceAll('\n', `\n  ${' '.repeat(width)}`)}`);
  lines.push('', 'Environment:');
  for (const [name, help] of ENVIRONMENT) lines.push(`  ${name.padEnd(width)}${help}`);
  lines.push(
    '',
    'Without a token Pitwall makes a new one at each start. It prints the link to open,',
    'http://127.0.0.1:<port>/#token=<token>: the token rides in the fragment, which the browser',
    'keeps to itself, and the page sends it only to Pitwall. Tokens are 16 to 512 characters',
    'from A-Z a-z 0-9 . _ ~ -.',
  );
  return lines.join('\n');
}

/**
 * Parses argv against `options`: `{ kind: 'help' }`, `{ kind: 'error', message }` naming the
 * offending argument, or `{ kind: 'ok', values }`. Never throws.
 */
export function parseCommandLine(argv, options = SERVE_OPTIONS) {
  const config = Object.fromEntries(Object.entries(options).map(([name, o]) => [name, o.short ? { type: o.type, short: o.short } : { type: o.type }]));
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: config, strict: true, allowPositionals: false });
  } catch (error) {
    return { kind: 'error', message: describeParseError(error) };
  }
  const values = parsed.values;
  if (values.help) return { kind: 'help' };
  return { kind: 'ok', values };
}

function describeParseError(error) {
  const message = error instanceof Error ? error.message : String(error);
  const quoted = /'([^']+)'/.exec(message)?.[1];
  switch (error?.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `Unknown option ${quoted ?? message}.`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `Unexpected argument ${quoted ? `"${quoted}"` : message}: every option starts with --.`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const name = quoted?.replace(/^-\w, /, '').split(' ')[0];
      if (/missing/.test(message)) return `${name ?? 'An option'} needs a value.`;
      if (/ambiguous/.test(message)) return `${name ?? 'An option'} needs a value (write ${name}=VALUE if the value starts with a dash).`;
      if (/does not take an argument/.test(message)) return `${name ?? 'An option'} takes no value.`;
      return message;
    }
    default:
      return message;
  }
}

/**
 * Checks option values (and their environment fallbacks): `{ ok: true, port, dataDir, token,
 * tokenFile }` or `{ ok: false, message }`. Reading the token file is left to the caller.
 */
export function checkServeValues(values, env = process.env) {
  const fromFlag = values.port !== undefined;
  const portText = fromFlag ? values.port : (env.PITWALL_PORT || '4785');
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) {
    return { ok: false, message: `Invalid ${fromFlag ? '--port' : 'PITWALL_PORT'} "${portText}": give a number from 0 to 65535 (0 picks a free port).` };
  }
  if (values['data-dir'] !== undefined && values['data-dir'].trim() === '') return { ok: false, message: '--data-dir needs a folder.' };
  if (values.token !== undefined && values['token-file'] !== undefined) return { ok: false, message: 'Give --token or --token-file, not both.' };
  if (values['token-file'] !== undefined && values['token-file'].trim() === '') return { ok: false, message: '--token-file needs a file.' };
  return { ok: true, port: Number(portText), dataDir: values['data-dir'], token: values.token, tokenFile: values['token-file'] };
}

/**
 * The checked options as arguments for the process the launch scripts start, with relative
 * folders and files made absolute against where the user ran the command: `npm run` and the
 * scripts themselves run from the package folder (npm keeps the user's folder in INIT_CWD).
 */
export function forwardArgs(checked, base = process.env.INIT_CWD || process.cwd()) {
  const args = [];
  if (checked.port !== undefined) args.push(`--port=${checked.port}`);
  if (checked.dataDir !== undefined) args.push(`--data-dir=${path.resolve(base, checked.dataDir)}`);
  if (checked.tokenFile !== undefined) args.push(`--token-file=${path.resolve(base, checked.tokenFile)}`);
  if (checked.token !== undefined) args.push(`--token=${checked.token}`);
  return args;
}
