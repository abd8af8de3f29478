// Where the e2e suite finds what the build produced, and the one place that says which
// command to run when something is missing. The suite builds nothing itself: the caller
// runs `mvn package` and `node extension/build.mjs` first.

import { existsSync, readFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const E2E_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const ROOT = resolve(E2E_DIR, '..');
export const ARTIFACTS = join(E2E_DIR, 'artifacts');

/** The host jar. BITWEB_E2E_CMD (below) replaces it entirely. */
export const JAR = join(ROOT, 'native-host', 'target', 'bitweb.jar');

/** The host's test classes: FillComments fills a comment store before an engine starts. */
export const TEST_CLASSES = join(ROOT, 'native-host', 'target', 'test-classes');

/** Unpacked extension builds; override with BITWEB_E2E_CHROME_EXT / BITWEB_E2E_FIREFOX_EXT. */
export const EXTENSION_DIRS = {
  chrome: process.env.BITWEB_E2E_CHROME_EXT || join(ROOT, 'extension', 'dist', 'chrome'),
  firefox: process.env.BITWEB_E2E_FIREFOX_EXT || join(ROOT, 'extension', 'dist', 'firefox'),
};

export const BROWSER_BINARIES = {
  chrome: process.env.BITWEB_E2E_CHROMIUM || '/usr/bin/chromium',
  firefox: process.env.BITWEB_E2E_FIREFOX || '/usr/bin/firefox-esr',
};

/**
 * BITWEB_E2E_CMD, if set, is the command (split on spaces) that stands for
 * `java -jar bitweb.jar`, e.g. to run the suite against another build of the host.
 */
export const CUSTOM_COMMAND = process.env.BITWEB_E2E_CMD ? process.env.BITWEB_E2E_CMD.trim().split(/\s+/) : null;

/**
 * Null when everything `browser` ('chrome' | 'firefox') needs is in place, else one message
 * naming each missing piece and the command that makes it.
 */
export function missingPrerequisites(browser) {
  const problems = [];
  if (!CUSTOM_COMMAND && !existsSync(JAR)) {
    problems.push(`the host jar ${JAR} is missing: run \`mvn -q package -DskipTests\` in ${ROOT}`);
  }
  if (!CUSTOM_COMMAND && !existsSync(join(TEST_CLASSES, 'org', 'bitweb', 'comments', 'FillComments.class'))) {
    problems.push(`the host's test classes ${TEST_CLASSES} are missing: run \`mvn -q package -DskipTests\` in ${ROOT}`);
  }
  const ext = EXTENSION_DIRS[browser];
  if (!existsSync(join(ext, 'manifest.json'))) {
    problems.push(`the ${browser} extension build ${ext} is missing: run \`node extension/build.mjs\` in ${ROOT}`);
  }
  const binary = BROWSER_BINARIES[browser];
  if (!existsSync(binary)) {
    const pkg = browser === 'chrome' ? 'chromium' : 'firefox-esr';
    problems.push(`${binary} is missing: run \`apt-get install -y ${pkg}\` (as root)`);
  }
  return problems.length ? problems.join('\n') : null;
}

export function readManifest(browser) {
  return JSON.parse(readFileSync(join(EXTENSION_DIRS[browser], 'manifest.json'), 'utf8'));
}

/** `e2e/artifacts/<sub>/`, created. Screenshots and logs of the last run go there. */
export function artifactDir(sub) {
  const dir = join(ARTIFACTS, sub);
  mkdirSync(dir, { recursive: true });
  return dir;
}
