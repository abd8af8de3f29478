// The first link a browser opens, as a person meets it: Debian's Chromium starts with the
// extension, its service worker starts the native host, and a BitWeb page is asked for right
// away, with no engine running (the host starts it: "cold") and with one running ("warm").
// The page is asked for as soon as the extension's service worker has put its routing in place
// (the PAC to the default gateway port, before the host answers), as in a browser where it
// persisted from the last session; a fresh profile without that would send the name to DNS
// first. Times from that moment to the page's heading being on screen, and from the browser's
// launch; the paired difference is what starting the engine adds to the first page.
//
//   bench/run.sh browser [--trials 5] [--extension NAME=DIR]...
//
// DIR is an unpacked Chromium build of the extension (default: this tree's extension/dist/chrome);
// several are measured in the same trials, interleaved. The host is the shaded jar, launched
// the way install.sh's launcher does (its HOST_JVM options), with its state folder in a temp
// folder (BITWEB_HOME), DHT, LAN discovery and port mapping off: nothing leaves loopback. The
// engine's gateway takes its default port (47800) as a person's would; it must be free.
// The site is published into that folder: the time measured is the engine's start and the
// browser's, not a download.

import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { publish } from '../../e2e/lib/bitweb.js';
import { chromeExtensionId, extensionWorker, launchChromium, writeChromeHostManifest } from '../../e2e/lib/chromium.js';
import { EXTENSION_DIRS, JAR, ROOT } from '../../e2e/lib/paths.js';
import { SITE_HEADING, makeSite } from '../../e2e/lib/site.js';
import { waitFor } from '../../e2e/lib/wait.js';

const GATEWAY_PORT = 47800;
const SHOWN_WITHIN_MS = 30_000;
// the bridge runs as installed: install.sh's HOST_JVM (BridgeJvmTest holds it to Bridge.JVM) in
// its launcher's template, class-data archive included
const HOST_JVM = readFileSync(join(ROOT, 'installer', 'install.sh'), 'utf8').match(/^HOST_JVM='([^']*)'$/m)[1];
const HOST_TEMPLATE = readFileSync(join(ROOT, 'installer', 'templates', 'bitweb-host.sh'), 'utf8');

const { trials, extensions } = parseArgs(process.argv.slice(2));
await assertPortFree(GATEWAY_PORT);

const tmp = mkdtempSync(join(tmpdir(), 'bitweb-bench-browser-'));
const home = join(tmp, 'home');
const jar = join(tmp, 'bitweb.jar');
const bitweb = (...args) => execFileSync('java', ['-jar', jar, '--home', home, ...args], { stdio: 'pipe', timeout: 60_000 }).toString();
const stopEngine = () => { try { bitweb('stop'); } catch { /* none running */ } };
try {
  mkdirSync(home);
  copyFileSync(JAR, jar);
  makeSite(join(tmp, 'site'));
  const site = await publish(['java', '-jar', jar], home, join(tmp, 'site'));
  // the launcher install.sh would write beside the jar, and one that gives it the bench's environment
  const installed = join(tmp, 'bitweb-host');
  writeFileSync(installed, HOST_TEMPLATE.replaceAll('@JAVA@', 'java').replaceAll('@JVM@', HOST_JVM)
    .replaceAll('@JAR@', `'${jar}'`).replaceAll('@ARCHIVE@', `'${join(tmp, 'bitweb-host.jsa')}'`)
    .replaceAll('@APP@', `'${tmp}'`).replaceAll('@VERSION@', 'bench'));
  chmodSync(installed, 0o755);
  const launcher = join(tmp, 'bench-host.sh');
  writeFileSync(launcher, [
    '#!/bin/sh',
    `export BITWEB_HOME='${home}' BITWEB_DHT=off BITWEB_LAN=off BITWEB_PORTMAP=off`,
    `exec '${installed}' "$@" 2>>'${join(tmp, 'host-stderr.log')}'`,
    '',
  ].join('\n'));
  chmodSync(launcher, 0o755);

  const results = new Map(extensions.map(({ name }) => [name, { cold: [], warm: [] }]));
  // An engine that stopped normally leaves its class-data archive, as on a person's second
  // day: a first round (not counted) makes it, with the first build.
  // ... and the bridge its own, written as the first bridge exits (the browser closed)
  stopEngine();
  await firstPage(extensions[0], launcher, site.url, join(tmp, 'profile-priming'));
  await waitFor('the bridge\'s class-data archive', () => existsSync(join(tmp, 'bitweb-host.jsa')), { timeoutMs: 30_000 });
  for (let trial = 0; trial < trials; trial++) {
    for (const extension of rotate(extensions, trial)) {
      stopEngine();
      const cold = await firstPage(extension, launcher, site.url, join(tmp, `profile-${extension.name}-${trial}-cold`));
      const warm = await firstPage(extension, launcher, site.url, join(tmp, `profile-${extension.name}-${trial}-warm`));
      results.get(extension.name).cold.push(cold);
      results.get(extension.name).warm.push(warm);
      console.error(`trial ${trial + 1}/${trials} ${extension.name}: cold ${show(cold.shownMs)}, warm ${show(warm.shownMs)} ms`);
    }
  }
  stopEngine();
  printTable(results, trials);
} finally {
  stopEngine();
  if (!process.env.BENCH_KEEP) rmSync(tmp, { recursive: true, force: true });
}

/** One browser start: a fresh profile, the site asked for as soon as the browser answers. */
async function firstPage(extension, launcher, url, userDataDir) {
  mkdirSync(userDataDir);
  writeChromeHostManifest(userDataDir, launcher, extension.id);
  const start = performance.now();
  const browser = await launchChromium({ extensionDir: extension.dir, userDataDir });
  try {
    const launchedMs = performance.now() - start;
    const worker = await extensionWorker(browser, extension.id);
    const routedTo = `PROXY 127.0.0.1:${GATEWAY_PORT}`;
    // (a worker just started may not have its extension globals yet: asked again)
    const pac = () => worker.evaluate(() => chrome.proxy.settings.get({})).then((setting) => String(setting?.value?.pacScript?.data), () => '');
    while (!(await pac()).includes(routedTo)) {
      if (performance.now() - start > SHOWN_WITHIN_MS) throw new Error(`the extension never routed to ${routedTo}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    const tab = await browser.newPage();
    const askedMs = performance.now() - start;
    let firstLoad = 'loading';
    tab.goto(url, { timeout: SHOWN_WITHIN_MS }).then(() => { firstLoad = 'loaded'; }, (error) => { firstLoad = error.message.split(' ')[0]; });
    let shownMs = null;
    while (shownMs === null && performance.now() - start < askedMs + SHOWN_WITHIN_MS) {
      // the extension may open the page again in the same tab; the heading says it is there
      const heading = await tab.evaluate(() => document.querySelector('h1')?.textContent).catch(() => null);
      if (heading === SITE_HEADING) shownMs = performance.now() - start;
      else await new Promise((r) => setTimeout(r, 20));
    }
    return { launchedMs, askedMs, shownMs: shownMs === null ? null : shownMs - askedMs, fromLaunchMs: shownMs, firstLoad };
  } finally {
    await browser.close().catch(() => browser.process()?.kill('SIGKILL'));
  }
}

function printTable(results, n) {
  const rows = [['extension', 'engine', 'launch -> page asked for (ms, median)', 'asked -> page shown (ms, median)', 'range', 'launch -> shown', 'not shown in 30 s', 'first load', 'added by the engine start (paired median, ms)']];
  for (const [name, { cold, warm }] of results) {
    const added = median(cold.map((c, i) => (c.shownMs !== null && warm[i].shownMs !== null ? c.shownMs - warm[i].shownMs : null)).filter((x) => x !== null));
    for (const [label, list] of [['none running (cold)', cold], ['running (warm)', warm]]) {
      const shown = list.map((r) => r.shownMs).filter((x) => x !== null);
      const loads = [...new Set(list.map((r) => r.firstLoad))].join(', ');
      rows.push([name, label, fmt(median(list.map((r) => r.askedMs))), fmt(median(shown)),
        shown.length ? `${fmt(Math.min(...shown))}-${fmt(Math.max(...shown))}` : '-',
        fmt(median(list.map((r) => r.fromLaunchMs).filter((x) => x !== null))),
        `${list.length - shown.length} of ${list.length}`, loads, label.startsWith('none') ? fmt(added) : '']);
    }
  }
  console.log(`\nThe first link a browser opens: Chromium with the extension, the page asked for once routing is in place -> its heading shown (${n} trials, interleaved)\n`);
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  rows.forEach((row, i) => {
    console.log(`| ${row.map((cell, c) => String(cell).padEnd(widths[c])).join(' | ')} |`);
    if (i === 0) console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  });
}

function parseArgs(args) {
  let trials = 5;
  const extensions = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--trials') trials = Number(args[++i]);
    else if (args[i] === '--extension') {
      const [name, dir] = String(args[++i]).split('=');
      extensions.push({ name, dir: resolve(dir) });
    } else throw new Error(`unknown argument ${args[i]} (bench/run.sh browser [--trials 5] [--extension NAME=DIR]...)`);
  }
  if (!Number.isInteger(trials) || trials < 1) throw new Error('--trials takes a positive whole number');
  if (extensions.length === 0) extensions.push({ name: 'this build', dir: EXTENSION_DIRS.chrome });
  for (const extension of extensions) {
    const manifest = JSON.parse(readFileSync(join(extension.dir, 'manifest.json'), 'utf8'));
    extension.id = chromeExtensionId(manifest.key);
  }
  return { trials, extensions };
}

function assertPortFree(port) {
  return new Promise((ok, fail) => {
    const server = createServer().once('error', () => fail(new Error(`port ${port} is taken: the engine started by the browser needs it (stop what runs there)`)));
    server.listen(port, '127.0.0.1', () => server.close(ok));
  });
}

function rotate(list, by) {
  return list.map((_, i) => list[(i + by) % list.length]);
}

function median(values) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function fmt(ms) {
  return ms === null || ms === undefined ? '-' : Math.round(ms).toString();
}

function show(ms) {
  return ms === null ? 'not shown' : Math.round(ms);
}
