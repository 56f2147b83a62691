/** The one thing a tool call's row should show before it is opened: the file it touched, the command it ran, the pattern it looked for. */
export function toolPreview(input: string): string | null {
  let value: unknown;
  try {
    value = JSON.parse(input);
  } catch {
    return null;
  }
  if (!value || typeof value !== 'object') return null;
  const o = value as Record<string, unknown>;
  for (const key of ['command', 'cmd', 'file_path', 'notebook_path', 'path', 'pattern', 'url', 'query', 'description', 'prompt']) {
    const v = o[key];
    const text = Array.isArray(v) ? v.filter((x) => typeof x === 'string').join(' ') : typeof v === 'string' ? v : null;
    if (text && text.trim()) {
      const line = text.trim().split('\n')[0]!;
      return line.length > 200 ? `${line.slice(0, 199)}…` : line;
    }
  }
  return null;
}
