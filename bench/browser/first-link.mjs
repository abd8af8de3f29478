// The first link a browser opens, as a person meets it: Debian's Chromium starts with the
// extension, its service worker starts the native host, and a BitWeb page is asked for right
// away, with no engine running (the host starts it: "cold") and with one running ("warm").
// The page is asked for as soon as the extension's service worker has put its routing in place
// (the PAC to the default gateway port, before the host answers), as in a browser where it
// persisted from the last session; a fresh profile without that would send the name to DNS
// first. Times from that moment to the page's heading being on screen, and from the browser's
// launch; the paired difference is what starting the engine adds to the first page.
//
//   bench/run.sh browser [--trials 5] [--extension NAME=DIR]... [--jar NAME=PATH]... [--ask-after-spawn MS]
//
// DIR is an unpacked Chromium build of the extension (default: this tree's extension/dist/chrome);
// PATH a shaded jar of the host and engine (default: this tree's); several of either are measured
// in the same trials, interleaved, each jar installed in a folder of its own. --ask-after-spawn
// asks for the page MS after the browser started the host (not before routing is in place), as a
// person who clicks a moment after the browser opened: while the engine is starting. The host is the shaded jar, launched
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

const { trials, extensions, jars, askAfterSpawnMs } = parseArgs(process.argv.slice(2));
await assertPortFree(GATEWAY_PORT);

const tmp = mkdtempSync(join(tmpdir(), 'bitweb-bench-browser-'));
const engines = [];
const stopEngines = () => engines.forEach((engine) => engine.stop());
try {
  makeSite(join(tmp, 'site'));
  // each jar installed in a folder of its own, with its own state folder (an engine deletes the
  // class-data archives of other jars in its state folder) and the site published into it
  for (const [n, { name, path }] of jars.entries()) engines.push(await install(name, path, join(tmp, `jar-${n}`)));
  const variants = [];
  for (const extension of extensions) {
    for (const engine of engines) {
      const name = [extensions.length > 1 || jars.length === 1 ? extension.name : null, jars.length > 1 ? engine.name : null]
        .filter((x) => x !== null).join(', ');
      variants.push({ name, extension, engine });
    }
  }
  const results = new Map(variants.map(({ name }) => [name, { cold: [], warm: [] }]));
  // An engine that stopped normally leaves its class-data archive, as on a person's second
  // day: a first round (not counted) makes it, with the first build.
  // ... and the bridge its own, written as the first bridge exits (the browser closed)
  for (const engine of engines) {
    stopEngines();
    await firstPage(extensions[0], engine, join(tmp, `profile-priming-${engines.indexOf(engine)}`));
    await waitFor('the bridge\'s class-data archive', () => existsSync(engine.hostArchive), { timeoutMs: 30_000 });
  }
  for (let trial = 0; trial < trials; trial++) {
    for (const [v, variant] of rotate(variants, trial).entries()) {
      stopEngines();
      const profile = (kind) => join(tmp, `profile-${trial}-${v}-${kind}`);
      const cold = await firstPage(variant.extension, variant.engine, profile('cold'));
      const warm = await firstPage(variant.extension, variant.engine, profile('warm'));
      results.get(variant.name).cold.push(cold);
      results.get(variant.name).warm.push(warm);
      console.error(`trial ${trial + 1}/${trials} ${variant.name}: cold ${show(cold.shownMs)} (first load ${cold.firstLoad}, `
        + `engine up -> shown ${cold.upToShownMs === null ? '-' : Math.round(cold.upToShownMs)}), warm ${show(warm.shownMs)} ms`);
    }
  }
  stopEngines();
  printTable(results, trials, jars.length > 1 ? 'build' : 'extension');
} finally {
  stopEngines();
  if (!process.env.BENCH_KEEP) rmSync(tmp, { recursive: true, force: true });
}

/**
 * A jar as install.sh would install it (its host launcher from the template, HOST_JVM and the
 * bridge's class-data archive beside it), a launcher that gives it the bench's environment, and
 * a state folder with the site published into it.
 */
async function install(name, path, dir) {
  const home = join(dir, 'home');
  const jar = join(dir, 'bitweb.jar');
  mkdirSync(home, { recursive: true });
  copyFileSync(path, jar);
  const site = await publish(['java', '-jar', jar], home, join(tmp, 'site'));
  const hostArchive = join(dir, 'bitweb-host.jsa');
  const installed = join(dir, 'bitweb-host');
  writeFileSync(installed, HOST_TEMPLATE.replaceAll('@JAVA@', 'java').replaceAll('@JVM@', HOST_JVM)
    .replaceAll('@JAR@', `'${jar}'`).replaceAll('@ARCHIVE@', `'${hostArchive}'`)
    .replaceAll('@APP@', `'${dir}'`).replaceAll('@VERSION@', 'bench'));
  chmodSync(installed, 0o755);
  const launcher = join(dir, 'bench-host.sh');
  writeFileSync(launcher, [
    '#!/bin/sh',
    `export BITWEB_HOME='${home}' BITWEB_DHT=off BITWEB_LAN=off BITWEB_PORTMAP=off`,
    // when the browser started the host (milliseconds since the epoch), for --ask-after-spawn
    `date +%s%3N > '${join(dir, 'spawned')}'`,
    `exec '${installed}' "$@" 2>>'${join(dir, 'host-stderr.log')}'`,
    '',
  ].join('\n'));
  chmodSync(launcher, 0o755);
  const stop = () => {
    try {
      execFileSync('java', ['-jar', jar, '--home', home, 'stop'], { stdio: 'pipe', timeout: 60_000 });
    } catch { /* none running */ }
  };
  return { name, launcher, hostArchive, url: site.url, stop, spawned: join(dir, 'spawned'), log: join(home, 'logs', 'bitweb.log') };
}

/** One browser start: a fresh profile, the site asked for as soon as the browser answers. */
async function firstPage(extension, engine, userDataDir) {
  const url = engine.url;
  mkdirSync(userDataDir);
  rmSync(engine.spawned, { force: true });
  writeChromeHostManifest(userDataDir, engine.launcher, extension.id);
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
    if (askAfterSpawnMs !== null) {
      // a person who asks a moment later: while the engine's JVM is starting, not before it runs
      await waitFor('the browser starting the host', () => existsSync(engine.spawned) && readFileSync(engine.spawned, 'utf8').trim() !== '',
        { timeoutMs: SHOWN_WITHIN_MS });
      const at = Number(readFileSync(engine.spawned, 'utf8').trim()) + askAfterSpawnMs;
      if (Date.now() < at) await new Promise((r) => setTimeout(r, at - Date.now()));
    }
    const askedMs = performance.now() - start;
    const askedAt = Date.now();
    let firstLoad = 'loading';
    tab.goto(url, { timeout: SHOWN_WITHIN_MS }).then(() => { firstLoad = 'loaded'; }, (error) => { firstLoad = error.message.split(' ')[0]; });
    let shownMs = null;
    while (shownMs === null && performance.now() - start < askedMs + SHOWN_WITHIN_MS) {
      // the extension may open the page again in the same tab; the heading says it is there
      const heading = await tab.evaluate(() => document.querySelector('h1')?.textContent).catch(() => null);
      if (heading === SITE_HEADING) shownMs = performance.now() - start;
      else await new Promise((r) => setTimeout(r, 20));
    }
    // When the engine said it was up (its log, the same clock): a page asked for before that
    // shows some time after it, which is what the extension and the engine add once it is up
    const upAt = engineUpAt(engine.log);
    const upToShownMs = shownMs === null || upAt === null || upAt < askedAt ? null : askedAt + (shownMs - askedMs) - upAt;
    return { launchedMs, askedMs, shownMs: shownMs === null ? null : shownMs - askedMs, fromLaunchMs: shownMs, firstLoad, upToShownMs };
  } finally {
    await browser.close().catch(() => browser.process()?.kill('SIGKILL'));
  }
}

/** The time of the log's last "engine up" line (the JVM's local time, as this process reads it), or null. */
function engineUpAt(log) {
  if (!existsSync(log)) return null;
  const lines = readFileSync(log, 'utf8').split('\n').filter((line) => line.includes(' engine up: '));
  const m = lines.length ? lines[lines.length - 1].match(/^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}\.\d{3})/) : null;
  return m ? new Date(`${m[1]}T${m[2]}`).getTime() : null;
}

function printTable(results, n, what) {
  const rows = [[what, 'engine', 'launch -> page asked for (ms, median)', 'asked -> page shown (ms, median)', 'range', 'launch -> shown', 'not shown in 30 s', 'first load', 'added by the engine start (paired median, ms)', 'asked before the engine was up: engine up -> shown (ms, median, n)']];
  for (const [name, { cold, warm }] of results) {
    const added = median(cold.map((c, i) => (c.shownMs !== null && warm[i].shownMs !== null ? c.shownMs - warm[i].shownMs : null)).filter((x) => x !== null));
    for (const [label, list] of [['none running (cold)', cold], ['running (warm)', warm]]) {
      const shown = list.map((r) => r.shownMs).filter((x) => x !== null);
      const loads = [...new Set(list.map((r) => r.firstLoad))].join(', ');
      rows.push([name, label, fmt(median(list.map((r) => r.askedMs))), fmt(median(shown)),
        shown.length ? `${fmt(Math.min(...shown))}-${fmt(Math.max(...shown))}` : '-',
        fmt(median(list.map((r) => r.fromLaunchMs).filter((x) => x !== null))),
        `${list.length - shown.length} of ${list.length}`, loads, label.startsWith('none') ? fmt(added) : '', upToShown(list)]);
    }
  }
  const asked = askAfterSpawnMs === null ? 'once routing is in place' : `${askAfterSpawnMs} ms after the browser started the host (and routing is in place)`;
  console.log(`\nThe first link a browser opens: Chromium with the extension, the page asked for ${asked} -> its heading shown (${n} trials, interleaved)\n`);
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  rows.forEach((row, i) => {
    console.log(`| ${row.map((cell, c) => String(cell).padEnd(widths[c])).join(' | ')} |`);
    if (i === 0) console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  });
}

function upToShown(list) {
  const values = list.map((r) => r.upToShownMs).filter((x) => x !== null && x !== undefined);
  return values.length ? `${fmt(median(values))} (${values.length})` : '-';
}

function parseArgs(args) {
  let trials = 5;
  const extensions = [];
  const jars = [];
  let askAfterSpawnMs = null;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--trials') trials = Number(args[++i]);
    else if (args[i] === '--extension') {
      const [name, dir] = String(args[++i]).split('=');
      extensions.push({ name, dir: resolve(dir) });
    } else if (args[i] === '--ask-after-spawn') {
      askAfterSpawnMs = Number(args[++i]);
    } else if (args[i] === '--jar') {
      const [name, path] = String(args[++i]).split('=');
      jars.push({ name, path: resolve(path) });
    } else throw new Error(`unknown argument ${args[i]} (bench/run.sh browser [--trials 5] [--extension NAME=DIR]... [--jar NAME=PATH]... [--ask-after-spawn MS])`);
  }
  if (!Number.isInteger(trials) || trials < 1) throw new Error('--trials takes a positive whole number');
  if (extensions.length === 0) extensions.push({ name: 'this build', dir: EXTENSION_DIRS.chrome });
  if (jars.length === 0) jars.push({ name: 'this build', path: JAR });
  for (const extension of extensions) {
    const manifest = JSON.parse(readFileSync(join(extension.dir, 'manifest.json'), 'utf8'));
    extension.id = chromeExtensionId(manifest.key);
  }
  if (askAfterSpawnMs !== null && !(askAfterSpawnMs >= 0)) throw new Error('--ask-after-spawn takes milliseconds');
  return { trials, extensions, jars, askAfterSpawnMs };
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
