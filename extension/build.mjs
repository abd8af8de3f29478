#!/usr/bin/env node
// Builds the unpacked extension for each browser:
//   node extension/build.mjs            -> extension/dist/chrome/ and extension/dist/firefox/
//   node extension/build.mjs chrome     -> only extension/dist/chrome/
// One source tree; manifest/common.json plus a small per-browser overlay. No dependencies.

import { cp, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromeExtensionId } from './scripts/extension-id.mjs';
import { manifestVersion, pomVersion } from './scripts/version.mjs';
import { contentScriptSource } from './src/hosts.js';
import { ISOLATION_RULESET_PATH, isolationRules } from './src/isolation.js';

export const EXTENSION_DIR = dirname(fileURLToPath(import.meta.url));
export const BROWSERS = ['chrome', 'firefox'];

const isPlainObject = (value) =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Deep-merges an overlay into a base manifest without touching either. Objects merge key by
 * key, arrays are concatenated without duplicates (so an overlay can add a permission), and
 * any other value in the overlay replaces the base value.
 */
export function mergeManifest(base, overlay) {
  const out = { ...base };
  for (const [key, value] of Object.entries(overlay)) {
    const current = out[key];
    if (isPlainObject(current) && isPlainObject(value)) {
      out[key] = mergeManifest(current, value);
    } else if (Array.isArray(current) && Array.isArray(value)) {
      out[key] = [...new Set([...current, ...value])];
    } else {
      out[key] = value;
    }
  }
  return out;
}

async function readJson(path) {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read ${path}: ${error.message}`);
  }
}

/** The version fields from the root pom.xml, next to the extension folder `dir`. */
export async function versionFields(dir = EXTENSION_DIR) {
  const pom = resolve(dir, '..', 'pom.xml');
  let text;
  try {
    text = await readFile(pom, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${pom} (the version comes from it): ${error.message}`);
  }
  return manifestVersion(pomVersion(text));
}

/** The merged manifest for one browser, read from `<dir>/manifest/`, with the pom's version. */
export async function manifestFor(browser, dir = EXTENSION_DIR) {
  if (!BROWSERS.includes(browser)) {
    throw new Error(`unknown browser "${browser}" (expected one of: ${BROWSERS.join(', ')})`);
  }
  const common = await readJson(join(dir, 'manifest', 'common.json'));
  const overlay = await readJson(join(dir, 'manifest', `${browser}.json`));
  for (const [file, part] of [['common.json', common], [`${browser}.json`, overlay]]) {
    if ('version' in part || 'version_name' in part) {
      throw new Error(`manifest/${file} has a version of its own; the version comes from the root pom.xml`);
    }
  }
  const merged = mergeManifest(common, overlay);
  const { manifest_version: manifestVersionField, name, short_name: shortName } = merged;
  // the version next to the name, as a person reading manifest.json expects it
  return { manifest_version: manifestVersionField, name, short_name: shortName, ...(await versionFields(dir)), ...merged };
}

/** Every file path a manifest refers to, so a typo fails the build instead of the browser. */
export function referencedFiles(manifest) {
  const files = new Set(Object.values(manifest.icons ?? {}));
  for (const icon of Object.values(manifest.action?.default_icon ?? {})) files.add(icon);
  if (manifest.action?.default_popup) files.add(manifest.action.default_popup);
  if (manifest.side_panel?.default_path) files.add(manifest.side_panel.default_path);
  if (manifest.sidebar_action?.default_panel) files.add(manifest.sidebar_action.default_panel);
  for (const icon of Object.values(manifest.sidebar_action?.default_icon ?? {})) files.add(icon);
  if (manifest.background?.service_worker) files.add(manifest.background.service_worker);
  for (const script of manifest.background?.scripts ?? []) files.add(script);
  for (const entry of manifest.content_scripts ?? []) {
    for (const file of [...(entry.js ?? []), ...(entry.css ?? [])]) files.add(file);
  }
  for (const ruleset of manifest.declarative_net_request?.rule_resources ?? []) files.add(ruleset.path);
  for (const handler of manifest.protocol_handlers ?? []) {
    if (handler.uriTemplate?.startsWith('/')) files.add(handler.uriTemplate.slice(1).replace(/[?#].*$/, ''));
  }
  return [...files];
}

async function checkIds(manifest, dir) {
  const ids = await readJson(join(dir, 'ids.json'));
  if (manifest.key) {
    const id = chromeExtensionId(manifest.key);
    if (id !== ids.chrome) {
      throw new Error(`ids.json says chrome ID ${ids.chrome} but the manifest key gives ${id}`);
    }
  }
  const geckoId = manifest.browser_specific_settings?.gecko?.id;
  if (geckoId && geckoId !== ids.firefox) {
    throw new Error(`ids.json says firefox ID ${ids.firefox} but the manifest has ${geckoId}`);
  }
}

// The popup shows the exact command that fixes a missing host; from a checkout that is the
// installer next to this folder.
function buildInfo(browser, dir) {
  const installer = resolve(dir, '..', 'installer', 'install.sh');
  return `// Generated by build.mjs; the source tree has a default version of this file.\n` +
    `export const BUILD = Object.freeze(${JSON.stringify({ browser, installer })});\n`;
}

/** Files the build makes from code: the static isolation ruleset, the content scripts' host check. */
export function generatedFiles() {
  return {
    [ISOLATION_RULESET_PATH]: `${JSON.stringify(isolationRules(), null, 2)}\n`,
    'src/content/hosts.js': contentScriptSource(),
  };
}

/**
 * Writes `<outDir>/<browser>/` next to the final folder and swaps it in, so a browser or
 * test that has the old build loaded never sees a half-written folder.
 */
export async function buildBrowser(browser, { dir = EXTENSION_DIR, outDir = join(dir, 'dist') } = {}) {
  const manifest = await manifestFor(browser, dir);
  await checkIds(manifest, dir);

  const target = join(outDir, browser);
  const staging = join(outDir, `.${browser}.${process.pid}.new`);
  const old = join(outDir, `.${browser}.${process.pid}.old`);
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  await cp(join(dir, 'src'), join(staging, 'src'), { recursive: true });
  await cp(join(dir, 'icons'), join(staging, 'icons'), { recursive: true });
  await writeFile(join(staging, 'src', 'build-info.js'), buildInfo(browser, dir));
  for (const [file, text] of Object.entries(generatedFiles())) {
    await mkdir(dirname(join(staging, file)), { recursive: true });
    await writeFile(join(staging, file), text);
  }
  await writeFile(join(staging, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  for (const file of referencedFiles(manifest)) {
    const found = await stat(join(staging, file)).then((s) => s.isFile(), () => false);
    if (!found) {
      await rm(staging, { recursive: true, force: true });
      throw new Error(`${browser} manifest refers to ${file}, which does not exist`);
    }
  }

  const hadTarget = await stat(target).then(() => true, () => false);
  if (hadTarget) await rename(target, old);
  await rename(staging, target);
  if (hadTarget) await rm(old, { recursive: true, force: true });
  return target;
}

export async function build(browsers = BROWSERS, options = {}) {
  const built = [];
  for (const browser of browsers) built.push(await buildBrowser(browser, options));
  return built;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const wanted = process.argv.slice(2);
  try {
    for (const folder of await build(wanted.length ? wanted : BROWSERS)) {
      console.log(`built ${folder}`);
    }
  } catch (error) {
    console.error(`build failed: ${error.message}`);
    process.exit(1);
  }
}
