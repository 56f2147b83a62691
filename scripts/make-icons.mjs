// Draws Pitwall's tray icons and app icon as PNG files (no image library: a few shapes, 4×4
// supersampling, and a PNG encoder over zlib). Run `node scripts/make-icons.mjs` after changing a
// shape or colour; the PNGs it writes are committed.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** RGBA pixels (size × size × 4, straight alpha) as a PNG file. */
export function encodePng(size, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    rows[y * (size * 4 + 1)] = 0;
    rgba.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', zlib.deflateSync(rows, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

// Shapes take a point in the unit square (0,0 top left) and say whether it is inside.
const triangle = (ax, ay, bx, by, cx, cy) => (x, y) => {
  const d1 = (x - bx) * (ay - by) - (ax - bx) * (y - by);
  const d2 = (x - cx) * (by - cy) - (bx - cx) * (y - cy);
  const d3 = (x - ax) * (cy - ay) - (cx - ax) * (y - ay);
  return !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0));
};
const circle = (cx, cy, r) => (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
const rect = (x0, y0, x1, y1) => (x, y) => x >= x0 && x <= x1 && y >= y0 && y <= y1;
const roundedRect = (x0, y0, x1, y1, r) => (x, y) => {
  if (!rect(x0, y0, x1, y1)(x, y)) return false;
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
};
const minus = (a, b) => (x, y) => a(x, y) && !b(x, y);

function hex(color, alpha = 1) {
  const n = parseInt(color.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255, alpha];
}

/** Paints layers of [shape, colour or (x, y) => colour] over a transparent square. */
function render(size, layers) {
  const out = Buffer.alloc(size * size * 4);
  const S = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let [r, g, b, a] = [0, 0, 0, 0];
      for (const [shape, paint] of layers) {
        let hits = 0;
        for (let sy = 0; sy < S; sy++) for (let sx = 0; sx < S; sx++) if (shape((px + (sx + 0.5) / S) / size, (py + (sy + 0.5) / S) / size)) hits++;
        if (hits === 0) continue;
        const [cr, cg, cb, ca] = typeof paint === 'function' ? paint((px + 0.5) / size, (py + 0.5) / size) : paint;
        const sa = ca * (hits / (S * S));
        const oa = sa + a * (1 - sa);
        r = (cr * sa + r * a * (1 - sa)) / oa;
        g = (cg * sa + g * a * (1 - sa)) / oa;
        b = (cb * sa + b * a * (1 - sa)) / oa;
        a = oa;
      }
      const i = (py * size + px) * 4;
      out[i] = Math.round(r);
      out[i + 1] = Math.round(g);
      out[i + 2] = Math.round(b);
      out[i + 3] = Math.round(a * 255);
    }
  }
  return out;
}

// The mark: Pitwall's ◢, leaving the top-left corner for a status light.
const mark = triangle(0.94, 0.06, 0.94, 0.94, 0.06, 0.94);
const markHollow = minus(mark, triangle(0.8, 0.34, 0.8, 0.8, 0.34, 0.8));
const light = circle(0.27, 0.27, 0.23);
const lightRing = circle(0.27, 0.27, 0.3);

const GREY = hex('#8b949e');
const BLUE = hex('#2f81f7');
const AMBER = hex('#f0a020');
const RED = hex('#e5534b');
const BLACK = hex('#000000');

/** state -> layers, for colour icons and macOS template icons (black and alpha only). */
const TRAY = {
  idle: [[markHollow, GREY]],
  running: [[mark, BLUE]],
  attention: [
    [mark, BLUE],
    [lightRing, [0, 0, 0, 0.35]],
    [light, AMBER],
  ],
  'sync-failing': [
    [mark, GREY],
    [lightRing, [0, 0, 0, 0.35]],
    [light, RED],
    [rect(0.15, 0.24, 0.39, 0.3), hex('#ffffff')],
  ],
};
const TEMPLATE = {
  idle: [[markHollow, BLACK]],
  running: [[mark, BLACK]],
};

const written = [];
function write(rel, size, layers) {
  const file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, encodePng(size, render(size, layers)));
  written.push(rel);
}

for (const [state, layers] of Object.entries(TRAY)) {
  write(`resources/tray/tray-${state}.png`, 16, layers);
  write(`resources/tray/tray-${state}@2x.png`, 32, layers);
}
for (const [state, layers] of Object.entries(TEMPLATE)) {
  write(`resources/tray/tray-${state}Template.png`, 16, layers);
  write(`resources/tray/tray-${state}Template@2x.png`, 32, layers);
}

// The app icon: the mark on a dark rounded square, its status light green.
const inset = (shape, pad) => (x, y) => shape((x - pad) / (1 - 2 * pad), (y - pad) / (1 - 2 * pad));
const background = roundedRect(0.06, 0.06, 0.94, 0.94, 0.2);
const mix = (a, b, t) => hex(a).map((v, i) => (i < 3 ? v + (hex(b)[i] - v) * t : 1));
const appLayers = [
  [background, (_x, y) => mix('#222a3b', '#0f131b', y)],
  [inset(mark, 0.2), (x, y) => mix('#5b9bff', '#2f6feb', (x + y) / 2)],
  [inset(circle(0.27, 0.27, 0.17), 0.2), hex('#3fb950')],
];
write('resources/build/icon.png', 512, appLayers);
console.log(`wrote ${written.join(', ')}`);
