const PASS_THROUGH = [
  'HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'LANGUAGE', 'LC_ALL', 'LC_CTYPE', 'TMPDIR', 'TZ',
  'DISPLAY', 'WAYLAND_DISPLAY', 'XDG_RUNTIME_DIR', 'XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_CACHE_HOME', 'SSH_AUTH_SOCK',
  // Windows essentials.
  'SystemRoot', 'SYSTEMROOT', 'USERPROFILE', 'APPDATA', 'LOCALAPPDATA', 'ProgramData', 'ProgramFiles', 'TEMP', 'TMP', 'COMSPEC', 'PATHEXT',
];

/**
 * The environment an agent starts with: the user's identity, locale and session plumbing, the
 * login shell's PATH and a capable TERM, and nothing of Pitwall's own process (no Electron
 * variables, no tokens). Profile overrides go on top.
 */
export function cleanEnv(source: NodeJS.ProcessEnv, pathValue: string, overrides: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of PASS_THROUGH) {
    const value = source[key];
    if (value !== undefined) env[key] = value;
  }
  env.PATH = pathValue;
  env.TERM = 'xterm-256color';
  env.COLORTERM = 'truecolor';
  env.LANG ??= 'C.UTF-8';
  return { ...env, ...overrides };
}
