/**
 * Draws the FER Lab icon at build time (no binary committed): a rounded blue square with a simple
 * white face (eyes and a smile), written as a 256x256 PNG and an ICO that embeds the PNG (Windows
 * Vista+ reads PNG-compressed ICO entries). Pure Node: zlib for the PNG stream, CRC-32 by table.
 *
 *   node build/make-icons.mjs [outDir]   (default .cache/dist/icons)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { deflateSync } from 'node:zlib';

const SIZE = 256;

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** RGBA pixel colour at (x, y): coverage-blended shapes on a transparent background. */
function pixel(x, y) {
  const cx = x + 0.5 - SIZE / 2;
  const cy = y + 0.5 - SIZE / 2;
  // Rounded square, corner radius 48.
  const half = SIZE / 2 - 8;
  const r = 48;
  const qx = Math.max(Math.abs(cx) - (half - r), 0);
  const qy = Math.max(Math.abs(cy) - (half - r), 0);
  const inside = Math.hypot(qx, qy) <= r;
  if (!inside) return [0, 0, 0, 0];
  const white = [255, 255, 255, 255];
  const blue = [43, 108, 196, 255];
  // Face outline ring.
  const d = Math.hypot(cx, cy);
  if (d > 78 && d < 90) return white;
  // Eyes.
  if (Math.hypot(cx + 30, cy + 22) < 12 || Math.hypot(cx - 30, cy + 22) < 12) return white;
  // Smile: lower arc of a circle.
  const ds = Math.hypot(cx, cy - 6);
  if (cy > 18 && ds > 40 && ds < 50) return white;
  return blue;
}

export function drawPng() {
  const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
  for (let y = 0; y < SIZE; y++) {
    const row = y * (SIZE * 4 + 1);
    raw[row] = 0; // filter: none
    for (let x = 0; x < SIZE; x++) {
      const [r, g, b, a] = pixel(x, y);
      raw.set([r, g, b, a], row + 1 + x * 4);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(SIZE, 0);
  ihdr.writeUInt32BE(SIZE, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

/** A one-image ICO holding the PNG (width/height byte 0 means 256). */
export function pngToIco(png) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(1, 4);
  const entry = Buffer.alloc(16);
  entry[0] = 0;
  entry[1] = 0;
  entry.writeUInt16LE(1, 4); // colour planes
  entry.writeUInt16LE(32, 6); // bits per pixel
  entry.writeUInt32LE(png.length, 8);
  entry.writeUInt32LE(6 + 16, 12);
  return Buffer.concat([header, entry, png]);
}

export function makeIcons(outDir) {
  mkdirSync(outDir, { recursive: true });
  const png = drawPng();
  writeFileSync(join(outDir, 'icon.png'), png);
  writeFileSync(join(outDir, 'icon.ico'), pngToIco(png));
  return { png: join(outDir, 'icon.png'), ico: join(outDir, 'icon.ico') };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = makeIcons(resolve(process.argv[2] ?? '.cache/dist/icons'));
  process.stdout.write(`wrote ${out.png} and ${out.ico}\n`);
}
