/**
 * The inside of bash's `$'...'` from `start` (just after `$'`), decoded: `\n`, `\t`, `\xHH`,
 * `\uHHHH`, `\nnn`, `\cX` and the rest; an unknown escape stays as written. `end` is just after
 * the closing quote (or the end of the text when there is none).
 */
export function decodeAnsiC(s: string, start: number): { text: string; end: number; closed: boolean } {
  let pos = start;
  let out = '';
  while (pos < s.length) {
    const c = s[pos]!;
    if (c === "'") return { text: out, end: pos + 1, closed: true };
    if (c !== '\\') {
      out += c;
      pos++;
      continue;
    }
    const e = s[pos + 1];
    pos += 2;
    if (e === undefined) out += '\\';
    else if (SIMPLE[e] !== undefined) out += SIMPLE[e];
    else if (/[0-7]/.test(e)) {
      let digits = e;
      while (digits.length < 3 && /[0-7]/.test(s[pos] ?? '')) digits += s[pos++];
      out += String.fromCharCode(parseInt(digits, 8) & 0xff);
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const max = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      let digits = '';
      while (digits.length < max && /[0-9A-Fa-f]/.test(s[pos] ?? '')) digits += s[pos++];
      if (digits === '') out += `\\${e}`;
      else {
        const code = parseInt(digits, 16);
        out += code <= 0x10ffff ? String.fromCodePoint(code) : '\ufffd';
      }
    } else if (e === 'c' && s[pos] !== undefined) {
      out += String.fromCharCode(s[pos]!.toUpperCase().charCodeAt(0) ^ 0x40);
      pos++;
    } else out += `\\${e}`;
  }
  return { text: out, end: s.length, closed: false };
}

const SIMPLE: Record<string, string> = { a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', "'": "'", '"': '"', '?': '?' };
