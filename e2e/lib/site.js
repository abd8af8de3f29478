// The small site each e2e test publishes: an index page with a heading, a stylesheet and
// a relative image that is a real PNG, so the test can tell the page, its CSS and its
// image all came through the gateway.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';

export const SITE_HEADING = 'Hello from BitWeb e2e';
export const SITE_IMAGE_SIZE = { width: 16, height: 12 };

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** An RGB PNG of `width` x `height` with a diagonal gradient (decodable by any browser). */
export function makePng(width, height) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  const rows = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3); // filter byte 0, then RGB
    for (let x = 0; x < width; x++) {
      row[1 + x * 3] = 0x20 + ((x * 200) / width) | 0;
      row[2 + x * 3] = 0x60;
      row[3 + x * 3] = 0x20 + ((y * 200) / height) | 0;
    }
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Writes the test site into `dir` (created) and returns `dir`. */
export function makeSite(dir) {
  mkdirSync(join(dir, 'img'), { recursive: true });
  writeFileSync(
    join(dir, 'index.html'),
    `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>BitWeb e2e site</title>
<link rel="stylesheet" href="style.css">
</head>
<body>
<h1>${SITE_HEADING}</h1>
<p>A site published by the end-to-end test.</p>
<img id="dot" src="img/dot.png" alt="a small gradient" width="64" height="48">
</body>
</html>
`,
  );
  // The test reads the computed colour of <h1> to know the stylesheet applied.
  writeFileSync(join(dir, 'style.css'), 'body { font-family: sans-serif; }\nh1 { color: rgb(0, 128, 0); }\n');
  writeFileSync(join(dir, 'img', 'dot.png'), makePng(SITE_IMAGE_SIZE.width, SITE_IMAGE_SIZE.height));
  return dir;
}

export const SITE_H1_COLOR = 'rgb(0, 128, 0)';
