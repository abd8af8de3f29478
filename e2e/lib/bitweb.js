// Drives the BitWeb host the way a user does, through its command line (the contract):
//   java -jar bitweb.jar --home H publish DIR --json   -> one JSON line {address, url, ...}
//   java -jar bitweb.jar --home H serve --gateway-port 0 --peer-port 0
//                                                      -> "gateway: http://127.0.0.1:PORT"
//   java -jar bitweb.jar --home H host                 -> native messaging on stdio
// The jar is copied first, so a concurrent `mvn package` cannot swap it under a running test.

import { spawn, execFile } from 'node:child_process';
import { appendFileSync, chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CUSTOM_COMMAND, JAR, TEST_CLASSES } from './paths.js';
import { waitFor, waitForLine, withDeadline } from './wait.js';

const PUBLISH_TIMEOUT_MS = 60_000;
const ENGINE_READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

// Children still running when node exits (a crash, a runner timeout) get SIGKILL.
const live = new Set();
process.on('exit', () => {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
});

/**
 * Options every JVM of the suite runs with. Comment records' proof of work is 2^8 hashes here
 * instead of 2^23 (a second each), so a page can be filled with 10,000 comments before a test;
 * every engine of a run must agree on it, or they refuse each other's records.
 */
export const JVM_OPTIONS = Object.freeze(['-Dbitweb.comments.workBits=8']);

/** The argv prefix that runs the host: a private copy of the jar, or BITWEB_E2E_CMD. */
export function hostCommand(tmpDir) {
  if (CUSTOM_COMMAND) return CUSTOM_COMMAND;
  const copy = join(tmpDir, 'bitweb.jar');
  copyFileSync(JAR, copy);
  return ['java', ...JVM_OPTIONS, '-jar', copy];
}

/**
 * Runs `bitweb --home H ARGS...` and resolves to its stdout; a non-zero exit rejects with
 * both streams. For the commands a script would run (`get`, `comment`, `comments`).
 */
export function runCommand(cmd, home, args, timeoutMs = 60_000) {
  const argv = [...cmd, '--home', home, ...args];
  return new Promise((resolve, reject) => {
    execFile(argv[0], argv.slice(1), { timeout: timeoutMs, maxBuffer: 8 << 20 }, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`${argv.join(' ')} failed (${error.killed ? 'timed out' : `exit ${error.code}`})\n--- stdout:\n${stdout}\n--- stderr:\n${stderr}`));
      } else {
        resolve(stdout);
      }
    });
  });
}

/**
 * Fills state dir `home`'s comment store with `count` real comments on page `url` before its
 * engine starts (org.bitweb.comments.FillComments, from the test classes).
 */
export function fillComments(cmd, home, url, count, timeoutMs = 120_000) {
  const jar = cmd[cmd.length - 1];
  const argv = ['java', ...JVM_OPTIONS, '-cp', `${jar}:${TEST_CLASSES}`, 'org.bitweb.comments.FillComments',
    join(home, 'comments'), url, String(count)];
  return new Promise((resolve, reject) => {
    execFile(argv[0], argv.slice(1), { timeout: timeoutMs }, (error, stdout, stderr) => {
      if (error) reject(new Error(`filling comments failed: ${argv.join(' ')}\n${stdout}\n${stderr}`));
      else resolve(stdout.trim());
    });
  });
}

function tail(file, lines = 40) {
  if (!existsSync(file)) return '';
  const text = readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n  ');
  return text ? `\n--- last lines of ${file}:\n  ${text}` : '';
}

/** Publishes `siteDir` into state dir `home`; resolves to the parsed JSON line. */
export function publish(cmd, home, siteDir) {
  const argv = [...cmd, '--home', home, 'publish', siteDir, '--json'];
  return new Promise((resolve, reject) => {
    execFile(argv[0], argv.slice(1), { timeout: PUBLISH_TIMEOUT_MS, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      const said = `\n$ ${argv.join(' ')}\n--- stdout:\n${stdout}\n--- stderr:\n${stderr}`;
      if (error) return reject(new Error(`publish failed (${error.killed ? 'timed out' : `exit ${error.code}`})${said}`));
      const lines = stdout.split('\n').map((l) => l.trim()).filter(Boolean);
      let result;
      try {
        result = JSON.parse(lines.at(-1));
      } catch {
        return reject(new Error(`publish --json did not end with a JSON line${said}`));
      }
      if (!/^[0-9a-f]{40}$/.test(result.address ?? '')) {
        return reject(new Error(`publish --json gave no 40-hex "address"${said}`));
      }
      if (result.url !== `http://${result.address}.bitweb/`) {
        return reject(new Error(`publish --json "url" is not http://<address>.bitweb/${said}`));
      }
      resolve(result);
    });
  });
}

/**
 * Starts `serve` on free ports and resolves once it printed its gateway line to
 * `{gatewayUrl, gatewayPort, pid, logFile, stop()}`. stdout and stderr go to `logFile`.
 */
export async function startEngine(cmd, home, logFile) {
  // Every port free (two engines run at once in the comments scenario; a fixed DHT port would clash).
  const argv = [...cmd, '--home', home, 'serve', '--gateway-port', '0', '--peer-port', '0', '--dht-port', '0'];
  writeFileSync(logFile, `$ ${argv.join(' ')}\n`);
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => {
    live.delete(child);
    appendFileSync(logFile, `[e2e] engine exited: ${signal ?? `code ${code}`}\n`);
    resolve({ code, signal });
  }));
  child.once('error', (error) => appendFileSync(logFile, `[e2e] could not start engine: ${error.message}\n`));
  child.stdout.on('data', (d) => appendFileSync(logFile, d));
  child.stderr.on('data', (d) => appendFileSync(logFile, d));

  async function stop() {
    if (child.exitCode !== null || child.signalCode !== null) return exited;
    child.kill('SIGTERM');
    try {
      return await withDeadline(exited, STOP_TIMEOUT_MS, 'engine to exit after SIGTERM');
    } catch {
      appendFileSync(logFile, `[e2e] engine ignored SIGTERM for ${STOP_TIMEOUT_MS} ms; SIGKILL\n`);
      child.kill('SIGKILL');
      return withDeadline(exited, STOP_TIMEOUT_MS, 'engine to exit after SIGKILL');
    }
  }

  let match;
  try {
    match = await waitForLine(
      child.stdout,
      /^gateway: (http:\/\/127\.0\.0\.1:(\d+))\/?\s*$/,
      ENGINE_READY_TIMEOUT_MS,
      'the engine to print its gateway line',
      () => tail(logFile),
    );
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
  child.stdout.resume(); // keep draining, so a chatty engine never blocks on a full pipe
  const gatewayPort = Number(match[2]);
  if (!(gatewayPort >= 1 && gatewayPort <= 65535)) {
    await stop().catch(() => {});
    throw new Error(
      `the engine printed "${match[0]}": with --gateway-port 0 it must print the port the gateway actually bound${tail(logFile)}`,
    );
  }
  return { gatewayUrl: match[1], gatewayPort, pid: child.pid, logFile, stop };
}

const shellQuote = (s) => `'${String(s).replaceAll("'", `'\\''`)}'`;

/**
 * Writes the executable the browser's host manifest names: it runs `host` against the
 * state dir of the running engine. stdout stays the protocol; stderr goes to `stderrLog`;
 * each start appends its pid to `pidFile`, so teardown can find hosts left running. `env`: variables
 * exported for the host and the engine it may start.
 */
export function writeHostLauncher(cmd, home, path, { stderrLog, pidFile, env = {} }) {
  const script = [
    '#!/bin/sh',
    '# Written by the BitWeb e2e suite: the native host for one test browser profile.',
    `echo $$ >> ${shellQuote(pidFile)}`,
    ...Object.entries(env).map(([name, value]) => `export ${name}=${shellQuote(value)}`),
    `exec ${[...cmd, '--home', home, 'host'].map(shellQuote).join(' ')} "$@" 2>> ${shellQuote(stderrLog)}`,
    '',
  ].join('\n');
  writeFileSync(path, script);
  chmodSync(path, 0o755);
  return path;
}

export const HOST_NAME = 'org.bitweb.host';

/**
 * Registers the host launcher at `launcherPath` in the browser's folder `dir` as
 * `<dir>/org.bitweb.host.json`; `allowed` is the browser's own key naming the extension
 * (Chromium: {allowed_origins: [...]}, Firefox: {allowed_extensions: [...]}). Returns the file.
 */
export function writeHostManifest(dir, launcherPath, allowed) {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${HOST_NAME}.json`);
  const manifest = { name: HOST_NAME, description: 'BitWeb host (e2e test)', path: launcherPath, type: 'stdio', ...allowed };
  writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
  return file;
}

const isAlive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Whether process `pid`'s command line names `home` (this test's unique state dir). */
function usesHome(pid, home) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(home);
  } catch {
    return false;
  }
}

/** Waits up to `graceMs` for `pids` to exit, SIGKILLs the rest and returns those. */
async function reap(pids, stillOurs, graceMs) {
  const running = () => pids.filter((pid) => isAlive(pid) && stillOurs(pid));
  // Those still running after the grace period are what this function is for: not an error.
  await waitFor(`processes ${pids.join(', ')} to exit`, () => running().length === 0, { timeoutMs: graceMs, intervalMs: 100 })
    .catch(() => {});
  const left = running();
  for (const pid of left) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // exited meanwhile
    }
  }
  return left;
}

/**
 * Called after the browser closed: a host whose stdin closed should exit by itself. Waits
 * up to `graceMs` for that, then SIGKILLs the rest (only pids the launcher recorded that
 * still run for this `home`) and returns them, so the test can report the host outlived
 * its browser.
 */
export async function reapHosts(pidFile, home, graceMs = 5_000) {
  if (!existsSync(pidFile)) return [];
  const pids = readFileSync(pidFile, 'utf8').split(/\s+/).filter(Boolean).map(Number);
  return reap(pids, (pid) => usesHome(pid, home), graceMs);
}

/**
 * Called last: any process still running with `--home <home>` was started by this test,
 * directly or not (e.g. an engine the host started in the background). SIGTERM, up to
 * `graceMs` to exit, then SIGKILL. Returns `{pid, cmdline}` of each one found.
 */
export async function killLeftovers(home, graceMs = 10_000) {
  const found = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid || !usesHome(pid, home)) continue;
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
      process.kill(pid, 'SIGTERM');
    } catch {
      continue;
    }
    found.push({ pid, cmdline });
  }
  await reap(found.map((f) => f.pid), (pid) => usesHome(pid, home), graceMs);
  return found;
}

export { tail };
