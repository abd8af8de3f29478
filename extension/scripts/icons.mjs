#!/usr/bin/env node
// Draws the toolbar icon (three linked peers on a rounded square) as PNGs in
// extension/icons/. Run it again after changing the drawing; the PNGs are committed so a
// build needs nothing but node. No dependencies: a tiny rasterizer and PNG encoder.

import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const SIZES = [16, 32, 48, 128];
const SAMPLES = 4; // per axis, for anti-aliasing

// The drawing in a unit square (0..1).
const BACKGROUND = { from: [0x1d, 0x4e, 0x89], to: [0x0f, 0x8b, 0x8d], radius: 0.22 };
const WHITE = [0xff, 0xff, 0xff];
const NODES = [
  [0.5, 0.26],
  [0.26, 0.7],
  [0.74, 0.7],
];
const NODE_RADIUS = 0.12;
const LINK_WIDTH = 0.07;

function insideRoundedSquare(x, y, r) {
  const dx = Math.max(r - x, 0, x - (1 - r));
  const dy = Math.max(r - y, 0, y - (1 - r));
  return dx * dx + dy * dy <= r * r;
}

function distanceToSegment(px, py, [ax, ay], [bx, by]) {
  const vx = bx - ax;
  const vy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * vx + (py - ay) * vy) / (vx * vx + vy * vy)));
  return Math.hypot(px - (ax + t * vx), py - (ay + t * vy));
}

function colourAt(x, y) {
  if (!insideRoundedSquare(x, y, BACKGROUND.radius)) return null;
  if (NODES.some(([nx, ny]) => Math.hypot(x - nx, y - ny) <= NODE_RADIUS)) return WHITE;
  for (let i = 0; i < NODES.length; i += 1) {
    const a = NODES[i];
    const b = NODES[(i + 1) % NODES.length];
    if (distanceToSegment(x, y, a, b) <= LINK_WIDTH / 2) return WHITE;
  }
  const t = (x + y) / 2; // diagonal gradient
  return BACKGROUND.from.map((c, i) => Math.round(c + (BACKGROUND.to[i] - c) * t));
}

/** RGBA pixels, premultiplied by coverage while sampling, stored straight. */
export function rasterize(size) {
  const pixels = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py += 1) {
    for (let px = 0; px < size; px += 1) {
      let r = 0, g = 0, b = 0, covered = 0;
      for (let sy = 0; sy < SAMPLES; sy += 1) {
        for (let sx = 0; sx < SAMPLES; sx += 1) {
          const colour = colourAt((px + (sx + 0.5) / SAMPLES) / size, (py + (sy + 0.5) / SAMPLES) / size);
          if (!colour) continue;
          r += colour[0]; g += colour[1]; b += colour[2]; covered += 1;
        }
      }
      const at = (py * size + px) * 4;
      if (covered) {
        pixels[at] = Math.round(r / covered);
        pixels[at + 1] = Math.round(g / covered);
        pixels[at + 2] = Math.round(b / covered);
        pixels[at + 3] = Math.round((255 * covered) / (SAMPLES * SAMPLES));
      }
    }
  }
  return pixels;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

export function encodePng(size, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type RGBA
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y += 1) {
    rows[y * (size * 4 + 1)] = 0; // filter: none
    rgba.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const iconsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'icons');
await mkdir(iconsDir, { recursive: true });
for (const size of SIZES) {
  await writeFile(join(iconsDir, `icon-${size}.png`), encodePng(size, rasterize(size)));
  console.log(`wrote icons/icon-${size}.png`);
}
