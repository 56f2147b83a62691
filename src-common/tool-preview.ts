const KEYS = ['command', 'cmd', 'file_path', 'notebook_path', 'path', 'pattern', 'url', 'query', 'description', 'prompt'];
/** A string or an array of strings as JSON writes them, after `"key":`. */
const VALUE = /^\s*:\s*("(?:[^"\\]|\\.)*"|\[(?:\s*"(?:[^"\\]|\\.)*"\s*,?)*\s*\])/;

/**
 * The one thing a tool call's row should show before it is opened: the file it touched, the command
 * it ran, the pattern it looked for. Read from the head of the input's JSON without parsing all of it
 * (a Write's input holds the whole file).
 */
export function toolPreview(input: string): string | null {
  const head = input.slice(0, 8000);
  for (const key of KEYS) {
    let from = 0;
    for (;;) {
      const at = head.indexOf(`"${key}"`, from);
      if (at === -1) break;
      from = at + key.length + 2;
      const m = VALUE.exec(head.slice(from));
      if (!m) continue;
      let value: unknown;
      try {
        value = JSON.parse(m[1]!);
      } catch {
        continue;
      }
      const text = Array.isArray(value) ? value.filter((x) => typeof x === 'string').join(' ') : typeof value === 'string' ? value : '';
      if (!text.trim()) continue;
      const line = text.trim().split('\n')[0]!;
      return line.length > 200 ? `${line.slice(0, 199)}…` : line;
    }
  }
  return null;
}
