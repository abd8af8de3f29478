#!/usr/bin/env node
// Packages the extension for the stores, in one command:
//   node extension/package.mjs   -> extension/dist/bitweb-chrome.zip and extension/dist/bitweb-firefox.xpi
// It builds both browsers first (build.mjs), then zips each folder with manifest.json at
// the root, as the store wants it: the Chrome Web Store refuses a manifest with a `key`,
// so the zip's manifest has none (the unpacked dist/chrome/ keeps it, for its fixed ID).
// Before writing, each manifest is checked against what the store asks for; uploading and
// signing are in docs/EXTENSION.md ("Publishing"). The same sources give the same bytes
// (sorted names, fixed timestamps). No dependencies: scripts/zip.mjs writes the ZIP.

import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EXTENSION_DIR, build } from './build.mjs';
import { manifestVersion } from './scripts/version.mjs';
import { folderEntries, zip } from './scripts/zip.mjs';

export const PACKAGES = { chrome: 'bitweb-chrome.zip', firefox: 'bitweb-firefox.xpi' };

/** The manifest that goes into a browser's package: the unpacked build's, less what the store refuses. */
export function storeManifest(browser, manifest) {
  if (browser !== 'chrome') return manifest;
  const { key, ...rest } = manifest; // the store gives the item its own key and ID
  return rest;
}

/** Why a store would turn this package's manifest down, in sentences; empty when it would not. */
export function storeProblems(browser, manifest) {
  const problems = [];
  if (manifest.manifest_version !== 3) problems.push('manifest_version must be 3');
  try {
    if (manifestVersion(manifest.version).version !== manifest.version) problems.push(`version ${manifest.version}: the stores take only numbers there (a qualifier goes to version_name)`);
  } catch (error) {
    problems.push(error.message);
  }
  if (!manifest.icons?.['128']) problems.push('a 128x128 icon is needed for the store listing');
  if (browser === 'chrome') {
    if ('key' in manifest) problems.push('the Chrome Web Store refuses a manifest with "key"');
    if (typeof manifest.name !== 'string' || manifest.name.length > 75) problems.push('name: at most 75 characters');
    if (typeof manifest.description !== 'string' || manifest.description.length > 132) problems.push('description: at most 132 characters');
  } else {
    const gecko = manifest.browser_specific_settings?.gecko ?? {};
    if (!gecko.id) problems.push('AMO needs browser_specific_settings.gecko.id for a Manifest V3 add-on');
    if (!gecko.data_collection_permissions) problems.push('AMO needs browser_specific_settings.gecko.data_collection_permissions');
  }
  return problems;
}

/** Builds and packages every browser into `outDir`; resolves to the package paths. */
export async function packageAll({ dir = EXTENSION_DIR, outDir = join(dir, 'dist') } = {}) {
  await build(Object.keys(PACKAGES), { dir, outDir });
  await mkdir(outDir, { recursive: true });
  const written = [];
  for (const [browser, file] of Object.entries(PACKAGES)) {
    const entries = await folderEntries(join(outDir, browser));
    const manifestEntry = entries.find((e) => e.name === 'manifest.json');
    if (!manifestEntry) throw new Error(`${browser}: no manifest.json at the root`);
    const manifest = storeManifest(browser, JSON.parse(manifestEntry.data));
    const problems = storeProblems(browser, manifest);
    if (problems.length) throw new Error(`${browser}: the store would refuse this package: ${problems.join('; ')}`);
    manifestEntry.data = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
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
