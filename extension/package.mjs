#!/usr/bin/env node
// Packages the extension for distribution, in one command:
//   node extension/package.mjs   -> extension/dist/bitweb-chrome.zip and extension/dist/bitweb-firefox.xpi
// It builds both browsers first (build.mjs), then zips each folder with manifest.json at
// the root. The same sources give the same bytes (sorted names, fixed timestamps). No
// dependencies: scripts/zip.mjs writes the ZIP with node's zlib.

import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EXTENSION_DIR, build } from './build.mjs';
import { folderEntries, zip } from './scripts/zip.mjs';

export const PACKAGES = { chrome: 'bitweb-chrome.zip', firefox: 'bitweb-firefox.xpi' };

/** Builds and packages every browser into `outDir`; resolves to the package paths. */
export async function packageAll({ dir = EXTENSION_DIR, outDir = join(dir, 'dist') } = {}) {
  await build(Object.keys(PACKAGES), { dir, outDir });
  await mkdir(outDir, { recursive: true });
  const written = [];
  for (const [browser, file] of Object.entries(PACKAGES)) {
    const entries = await folderEntries(join(outDir, browser));
    if (!entries.some((e) => e.name === 'manifest.json')) throw new Error(`${browser}: no manifest.json at the root`);
    const target = join(outDir, file);
    const tmp = `${target}.${process.pid}.tmp`;
    await writeFile(tmp, zip(entries));
    await rename(tmp, target);
    written.push(target);
  }
  return written;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    for (const file of await packageAll()) console.log(`packaged ${file}`);
  } catch (error) {
    console.error(`packaging failed: ${error.message}`);
    process.exit(1);
  }
}
