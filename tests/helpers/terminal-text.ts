const ESC = String.fromCharCode(27);
const BEL = String.fromCharCode(7);
/** CSI sequences (cursor moves, colours) and OSC sequences (window titles) a TUI writes. */
const ESCAPES = new RegExp(`${ESC}\\[[0-9;?]*[a-zA-Z]|${ESC}\\][^${BEL}]*${BEL}`, 'g');

/**
 * A terminal's output as comparable text: escape sequences and all whitespace removed (a TUI moves
 * the cursor between words instead of writing spaces, so only the letters are reliable).
 */
export function screenText(raw: string): string {
  return raw.replace(ESCAPES, '').replace(/\s/g, '');
}
