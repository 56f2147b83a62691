import fs from 'node:fs';

/**
 * What a token may be made of: characters that pass unescaped in a URL fragment, an HTTP header
 * and a WebSocket subprotocol name (the browser carries it there), and enough of them to guess.
 */
export const TOKEN_PATTERN = /^[A-Za-z0-9._~-]{16,512}$/;

/** Where the token came from, for messages. */
export type TokenOrigin = 'flag' | 'file' | 'env' | 'generated';

/** The token to use, or why none can be used. */
export type TokenChoice = { ok: true; token: string | undefined; origin: TokenOrigin } | { ok: false; message: string };

/** A reason `token` is unusable, naming where it came from; null when it is fine. */
export function tokenProblem(token: string, from: string): string | null {
  if (TOKEN_PATTERN.test(token)) return null;
  if (token.length < 16) return `The token from ${from} is too short: give at least 16 characters.`;
  if (token.length > 512) return `The token from ${from} is too long: give at most 512 characters.`;
  return `The token from ${from} has characters a browser cannot carry: use only A-Z a-z 0-9 . _ ~ -.`;
}

/**
 * Reads a token file: its first line, refused when the file belongs to another user or when
 * anyone but its owner may read or write it (a token others can read is no secret). Windows has
 * no such mode bits; its ACLs are left to the user there.
 */
export function readTokenFile(file: string, platform: NodeJS.Platform = process.platform, uid: number | undefined = process.getuid?.()): TokenChoice {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ok: false, message: `Token file ${file} does not exist.` };
    if (code === 'EACCES') return { ok: false, message: `Token file ${file} cannot be read (permission denied).` };
    return { ok: false, message: `Token file ${file} cannot be read (${code ?? String(error)}).` };
  }
  try {
    // fstat on the opened file, so what is checked is what is read.
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) return { ok: false, message: `Token file ${file} is not a regular file.` };
    if (platform !== 'win32') {
      if (uid !== undefined && stat.uid !== uid) return { ok: false, message: `Token file ${file} belongs to another user: Pitwall reads a token only from your own file.` };
      if ((stat.mode & 0o077) !== 0) {
        const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
        return { ok: false, message: `Token file ${file} is open to other users (mode ${mode}): run \`chmod 600 ${file}\` and start again.` };
      }
    }
    const buffer = Buffer.alloc(4096);
    const read = fs.readSync(fd, buffer, 0, buffer.length, 0);
    const token = buffer.subarray(0, read).toString('utf8').split(/\r?\n/, 1)[0]!.trim();
    if (token === '') return { ok: false, message: `Token file ${file} is empty.` };
    const problem = tokenProblem(token, `token file ${file}`);
    return problem ? { ok: false, message: problem } : { ok: true, token, origin: 'file' };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The token from `--token`, else `--token-file`, else `PITWALL_TOKEN`; `token: undefined` when
 * none was given (the shell then makes a random one).
 */
export function chooseToken(sources: { flag?: string | undefined; file?: string | undefined; env?: string | undefined }): TokenChoice {
  if (sources.flag !== undefined) {
    const problem = tokenProblem(sources.flag, '--token');
    return problem ? { ok: false, message: problem } : { ok: true, token: sources.flag, origin: 'flag' };
  }
  if (sources.file !== undefined) return readTokenFile(sources.file);
  if (sources.env !== undefined && sources.env !== '') {
    const problem = tokenProblem(sources.env, 'PITWALL_TOKEN');
    return problem ? { ok: false, message: problem } : { ok: true, token: sources.env, origin: 'env' };
  }
  return { ok: true, token: undefined, origin: 'generated' };
}
