import { describe, expect, it } from 'vitest';
import { agentEnvironment, printEnvironmentCommand, withoutPitwallPath, withoutPitwallVariables } from '../../src-main/agents/user-environment';

describe('cleaning Pitwall’s own variables out of the user environment', () => {
  it('drops node_modules/.bin of Pitwall’s folder and its parents, and npm’s node-gyp shim, keeping the rest in order', () => {
    const value = [
      '/home/u/pitwall/node_modules/.bin',
      '/home/u/node_modules/.bin',
      '/home/node_modules/.bin',
      '/node_modules/.bin',
      '/usr/lib/node_modules/npm/node_modules/@npmcli/run-script/lib/node-gyp-bin',
      '/home/u/.local/bin',
      '/home/u/other-project/node_modules/.bin',
      '/usr/bin',
      '/home/u/.local/bin',
    ].join(':');
    expect(withoutPitwallPath(value, '/home/u/pitwall', ':')).toBe('/home/u/.local/bin:/home/u/other-project/node_modules/.bin:/usr/bin');
  });

  it('drops npm’s, Electron’s and PITWALL_ variables, and the shell’s own state; npm’s INIT_CWD, NODE, COLOR and EDITOR=vi only under npm', () => {
    const env = { HOME: '/h', PATH: '/usr/bin', npm_config_cache: '/c', ELECTRON_RUN_AS_NODE: '1', PITWALL_TOKEN: 't', NODE: '/usr/bin/node', INIT_CWD: '/x', COLOR: '1', EDITOR: 'vi', _: '/usr/bin/node', PWD: '/h', SHLVL: '2', NPM_TOKEN: 'user-token', NODE_EXTRA_CA_CERTS: '/ca.pem' };
    expect(withoutPitwallVariables({ ...env, npm_lifecycle_event: 'start' }, undefined, ':')).toEqual({ HOME: '/h', PATH: '/usr/bin', NPM_TOKEN: 'user-token', NODE_EXTRA_CA_CERTS: '/ca.pem' });
    // Not started by npm: the same names are the user's own.
    expect(withoutPitwallVariables(env, undefined, ':')).toMatchObject({ NODE: '/usr/bin/node', INIT_CWD: '/x', COLOR: '1', EDITOR: 'vi' });
  });

  it('gives agents a capable terminal and a UTF-8 locale, the profile’s variables winning', () => {
    expect(agentEnvironment({ HOME: '/h', TERM: 'dumb' }, { TERM: 'screen', FOO: 'bar' })).toEqual({ HOME: '/h', TERM: 'screen', COLORTERM: 'truecolor', LANG: 'C.UTF-8', FOO: 'bar' });
    expect(agentEnvironment({ LANG: 'de_DE.UTF-8' }).LANG).toBe('de_DE.UTF-8');
  });
});

describe('asking a login shell for its environment', () => {
  it('runs POSIX shells and fish as interactive login shells, csh without -l, and nu with its external-command sigil', () => {
    expect(printEnvironmentCommand('/bin/zsh', '/usr/bin/node', 'M')!.args).toEqual(['-i', '-l', '-c', `'/usr/bin/node' -p '"M" + JSON.stringify(process.env) + "M"'`]);
    expect(printEnvironmentCommand('/usr/bin/fish', '/usr/bin/node', 'M')!.args.slice(0, 3)).toEqual(['-i', '-l', '-c']);
    expect(printEnvironmentCommand('/bin/tcsh', '/usr/bin/node', 'M')!.args.slice(0, 2)).toEqual(['-i', '-c']);
    expect(printEnvironmentCommand('/usr/local/bin/nu', '/usr/bin/node', 'M')!.args[3]).toMatch(/^\^'\/usr\/bin\/node'/);
  });

  it('refuses a runtime path it cannot quote', () => {
    expect(printEnvironmentCommand('/bin/bash', "/Applications/Bob's Apps/Pitwall", 'M')).toBeNull();
  });
});
