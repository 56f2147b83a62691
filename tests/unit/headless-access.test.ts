import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkServeValues, forwardArgs, parseCommandLine } from '../../scripts/lib/cli-options.mjs';
import { offeredProtocols, protocolToken } from '../../src-main/http/auth';
import { mediaType, parseRequestTarget } from '../../src-main/http/request-target';
import { chooseToken, readTokenFile, tokenProblem } from '../../src-main/http/token-source';
import { TOKEN_STORAGE_KEY, forgetPageToken, takePageToken, type TokenStorage } from '../../src-renderer/api/page-token';
import { removeTempDirs, tempDir } from '../helpers/temp-dir';

afterAll(removeTempDirs);

describe('request targets', () => {
  it('decode origin-form paths and refuse everything else as a reason, never a throw', () => {
    expect(parseRequestTarget('/rpc/projects%3Alist?x=%E0')).toEqual({ ok: true, path: '/rpc/projects:list', query: 'x=%E0' });
    expect(parseRequestTarget('/')).toEqual({ ok: true, path: '/', query: '' });
    for (const bad of [undefined, '', '*', 'http://127.0.0.1/x', '//evil/x', '/%E0%A4%A', '/%', '/%00', '/a%0Ab', '/a\\b', '/a%5Cb', '/a#b', `/${'a'.repeat(9000)}`]) {
      expect(parseRequestTarget(bad), String(bad)).toMatchObject({ ok: false });
    }
  });

  it('read the media type of a Content-Type without its parameters', () => {
    expect(mediaType('Application/JSON; charset=utf-8')).toBe('application/json');
    expect(mediaType(undefined)).toBe('');
    expect(mediaType('text/plain;application/json')).toBe('text/plain');
  });
});

describe('WebSocket subprotocols', () => {
  it('are parsed as RFC 6455 tokens; a malformed list is null', () => {
    expect(offeredProtocols(undefined)).toEqual([]);
    expect(offeredProtocols('pitwall.v1, pitwall.token.abc_DEF-123~.x')).toEqual(['pitwall.v1', 'pitwall.token.abc_DEF-123~.x']);
    for (const bad of ['', ',', 'a,,b', 'a b', '"a"', 'a, a', 'ä', 'a;b']) expect(offeredProtocols(bad), bad).toBeNull();
  });

  it('carry the token after the pitwall.token. prefix', () => {
    expect(protocolToken(['pitwall.v1', 'pitwall.token.secret-0123456789'])).toBe('secret-0123456789');
    expect(protocolToken(['pitwall.v1'])).toBeUndefined();
  });
});

describe('token sources', () => {
  it('accept 16-512 characters that a URL fragment, a header and a subprotocol carry unescaped', () => {
    expect(tokenProblem('abcdefghijklmnop', 'x')).toBeNull();
    expect(tokenProblem('A-z_0.9~'.repeat(64), 'x')).toBeNull();
    expect(tokenProblem('abc', '--token')).toBe('The token from --token is too short: give at least 16 characters.');
    expect(tokenProblem('a'.repeat(513), 'x')).toMatch(/too long/);
    for (const bad of ['with space 0123456789', 'semi;colon0123456789', 'percent%200123456789', 'plus+0123456789abc', 'ümlaut0123456789abc']) expect(tokenProblem(bad, 'x'), bad).toMatch(/characters a browser cannot carry/);
  });

  it('prefer --token, then --token-file, then PITWALL_TOKEN, and make one when none is given', () => {
    const dir = tempDir('pitwall-token-unit-');
    const file = path.join(dir, 'token');
    fs.writeFileSync(file, 'file-token-0123456789\r\nsecond line ignored\n', { mode: 0o600 });
    expect(chooseToken({ flag: 'flag-token-0123456789', file, env: 'env-token-0123456789' })).toEqual({ ok: true, token: 'flag-token-0123456789', origin: 'flag' });
    expect(chooseToken({ file, env: 'env-token-0123456789' })).toEqual({ ok: true, token: 'file-token-0123456789', origin: 'file' });
    expect(chooseToken({ env: 'env-token-0123456789' })).toEqual({ ok: true, token: 'env-token-0123456789', origin: 'env' });
    expect(chooseToken({ env: '' })).toEqual({ ok: true, token: undefined, origin: 'generated' });
  });

  it('refuse a token file that another user owns or that others may read or write', () => {
    const dir = tempDir('pitwall-token-unit-');
    const file = path.join(dir, 'token');
    fs.writeFileSync(file, 'file-token-0123456789\n', { mode: 0o600 });
    const me = process.getuid!();
    expect(readTokenFile(file, 'linux', me)).toMatchObject({ ok: true, token: 'file-token-0123456789' });
    expect(readTokenFile(file, 'linux', me + 1)).toEqual({ ok: false, message: `Token file ${file} belongs to another user: Pitwall reads a token only from your own file.` });
    for (const mode of [0o604, 0o640, 0o620, 0o602, 0o660]) {
      fs.chmodSync(file, mode);
      expect(readTokenFile(file, 'linux', me), mode.toString(8)).toMatchObject({ ok: false, message: expect.stringContaining(`mode 0${mode.toString(8)}`) });
    }
    // Windows has no such mode bits; its ACLs decide there.
    expect(readTokenFile(file, 'win32', me + 1)).toMatchObject({ ok: true });
  });
});

describe('the page token', () => {
  function memoryStorage(initial: Record<string, string> = {}): TokenStorage & { items: Map<string, string> } {
    const items = new Map(Object.entries(initial));
    return { items, getItem: (k) => items.get(k) ?? null, setItem: (k, v) => void items.set(k, v), removeItem: (k) => void items.delete(k) };
  }

  it('moves the token from the link fragment into storage and out of the address bar', () => {
    const storage = memoryStorage();
    const replaced: string[] = [];
    const access = takePageToken('http://127.0.0.1:4785/#token=abc-DEF_0123456789', storage, (u) => replaced.push(u));
    expect(access).toEqual({ kind: 'token', token: 'abc-DEF_0123456789' });
    expect(storage.items.get(TOKEN_STORAGE_KEY)).toBe('abc-DEF_0123456789');
    expect(replaced).toEqual(['/']);
  });

  it('finds the token in storage on a reload, and leaves the route in the hash alone', () => {
    const storage = memoryStorage({ [TOKEN_STORAGE_KEY]: 'stored-token-0123456789' });
    const replaced: string[] = [];
    expect(takePageToken('http://127.0.0.1:4785/#/history', storage, (u) => replaced.push(u))).toEqual({ kind: 'token', token: 'stored-token-0123456789' });
    expect(replaced).toEqual([]);
    forgetPageToken(storage);
    expect(takePageToken('http://127.0.0.1:4785/#/history', storage, (u) => replaced.push(u))).toEqual({ kind: 'locked', reason: 'missing' });
  });

  it('takes nothing from a ?token= query: it only removes it from the address bar and says the link is old', () => {
    const storage = memoryStorage();
    const replaced: string[] = [];
    expect(takePageToken('http://127.0.0.1:4785/?token=old-token-0123456789&x=1', storage, (u) => replaced.push(u))).toEqual({ kind: 'locked', reason: 'old-link' });
    expect(replaced).toEqual(['/?x=1']);
    expect(storage.items.size).toBe(0);
  });

  it('is missing with an empty fragment token or none at all', () => {
    expect(takePageToken('http://127.0.0.1:4785/#token=', memoryStorage(), () => undefined)).toEqual({ kind: 'locked', reason: 'missing' });
    expect(takePageToken('http://127.0.0.1:4785/', memoryStorage(), () => undefined)).toEqual({ kind: 'locked', reason: 'missing' });
  });
});

describe('serve command-line values', () => {
  it('take the port from --port, then PITWALL_PORT, then 4785', () => {
    const values = (argv: string[]) => {
      const parsed = parseCommandLine(argv);
      if (parsed.kind !== 'ok') throw new Error(parsed.kind);
      return parsed.values;
    };
    expect(checkServeValues(values(['--port', '0']), { PITWALL_PORT: '9' })).toMatchObject({ ok: true, port: 0 });
    expect(checkServeValues(values([]), { PITWALL_PORT: '9' })).toMatchObject({ ok: true, port: 9 });
    expect(checkServeValues(values([]), {})).toMatchObject({ ok: true, port: 4785 });
    expect(checkServeValues(values(['--port=65535', '--data-dir', '/d', '--token-file', '/t']), {})).toEqual({ ok: true, port: 65535, dataDir: '/d', token: undefined, tokenFile: '/t' });
    expect(checkServeValues(values(['--data-dir', ' ']), {})).toEqual({ ok: false, message: '--data-dir needs a folder.' });
  });

  it('are passed on with relative paths made absolute against the folder the user ran the command in', () => {
    const checked = checkServeValues({ port: '0', 'data-dir': 'data', 'token-file': '../secret/token' }, {});
    if (!checked.ok) throw new Error(checked.message);
    expect(forwardArgs(checked, '/home/me/work')).toEqual(['--port=0', '--data-dir=/home/me/work/data', '--token-file=/home/me/secret/token']);
    const absolute = checkServeValues({ 'data-dir': '/srv/pitwall', token: 'flag-token-0123456789' }, {});
    if (!absolute.ok) throw new Error(absolute.message);
    expect(forwardArgs(absolute, '/elsewhere')).toEqual(['--port=4785', '--data-dir=/srv/pitwall', '--token=flag-token-0123456789']);
  });
});
