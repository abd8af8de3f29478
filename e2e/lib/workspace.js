// The part every browser test shares: a temp workspace with its own BitWeb state dir, a
// published test site, a running engine, and a host launcher for the browser to start.
// Everything is registered for teardown as soon as it exists; logs are copied to
// e2e/artifacts/<name>/ at the end, pass or fail.

import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import http from 'node:http';
import { fillComments, hostCommand, killLeftovers, publish, reapHosts, startEngine, tail, writeHostLauncher } from './bitweb.js';
import { MANY_COMMENTS } from './comments.js';
import { Cleanup } from './cleanup.js';
import { CUSTOM_COMMAND, artifactDir } from './paths.js';
import { makeSite } from './site.js';
import { withDeadline } from './wait.js';

/**
 * Sets up for a browser test named `name` and returns the pieces. Call `ws.teardown()` in
 * t.after(); it also runs the cleanup of anything added later with `ws.cleanup.add()`.
 */
export async function prepareWorkspace(name) {
  const cleanup = new Cleanup();
  const tmp = mkdtempSync(join(tmpdir(), `bitweb-e2e-${name}-`));
  rmSync(join(artifactDir(name)), { recursive: true, force: true }); // no stale screenshots
  const artifacts = artifactDir(name);
  const ws = {
    name,
    tmp,
    artifacts,
    cleanup,
    home: join(tmp, 'home'),
    siteDir: join(tmp, 'site'),
    logs: {
      engine: join(tmp, 'engine.log'),
      hostStderr: join(tmp, 'host-stderr.log'),
      hostPids: join(tmp, 'host-pids'),
      browser: join(tmp, 'browser-console.log'),
    },
    homeLog: join(tmp, 'home', 'logs', 'bitweb.log'), // the engine's and host's own log file
    hostsLeftRunning: [],
    browser: null, // set by the test, for screenshots on failure
    /**
     * For a failing test: screenshots every open tab to failure-<n>.png and returns `error`
     * with the ends of the engine, host and browser logs appended.
     */
    async failed(error) {
      const pages = ws.browser ? await ws.browser.pages().catch(() => []) : [];
      for (const [i, page] of pages.entries()) {
        await withDeadline(page.screenshot({ path: join(artifacts, `failure-${i}.png`) }), 5_000, 'screenshot').catch(() => {});
      }
      const logs = [ws.logs.engine, ws.logs.hostStderr, ws.logs.browser, ws.homeLog].map((f) => tail(f, 25)).join('');
      error.message += `${logs}\n(full logs and screenshots: ${artifacts})`;
      return error;
    },
    async teardown() {
      await cleanup.run();
    },
  };
  // Registered first, so it runs last: keep the logs, then remove the workspace.
  cleanup.add('keep logs and remove the workspace', () => {
    for (const file of Object.values(ws.logs)) {
      if (existsSync(file)) copyFileSync(file, join(artifacts, basename(file)));
    }
    const homeLogs = join(ws.home, 'logs');
    if (existsSync(homeLogs)) {
      for (const file of readdirSync(homeLogs)) copyFileSync(join(homeLogs, file), join(artifacts, `home-${file}`));
    }
    if (!process.env.BITWEB_E2E_KEEP) rmSync(tmp, { recursive: true, force: true });
    else console.log(`kept the workspace ${tmp} (BITWEB_E2E_KEEP)`);
  });
  // Runs after the engine and browser are stopped: nothing may outlive the test.
  cleanup.add('kill processes left running for this state dir', async () => {
    const left = await killLeftovers(ws.home);
    for (const { pid, cmdline } of left) console.log(`warning: killed leftover process ${pid}: ${cmdline}`);
  });
  try {
    mkdirSync(ws.home, { recursive: true });
    ws.cmd = hostCommand(tmp);
    makeSite(ws.siteDir);
    ws.site = await publish(ws.cmd, ws.home, ws.siteDir);

    // a page with many comments, for the sidebar's first paint (comments.js)
    if (!CUSTOM_COMMAND) ws.filled = await fillComments(ws.cmd, ws.home, `${ws.site.url}${MANY_COMMENTS.page}`, MANY_COMMENTS.count);
    ws.engine = await startEngine(ws.cmd, ws.home, ws.logs.engine);
    cleanup.add('stop the engine', () => ws.engine.stop());

    ws.launcher = writeHostLauncher(ws.cmd, ws.home, join(tmp, 'bitweb-host.sh'), {
      stderrLog: ws.logs.hostStderr,
      pidFile: ws.logs.hostPids,
    });
  } catch (error) {
    await cleanup.run().catch(() => {});
    throw error;
  }
  return ws;
}

/** After the browser closed: hosts it started should have exited; kill and report any left. */
export async function reapBrowserHosts(ws) {
  ws.hostsLeftRunning = await reapHosts(ws.logs.hostPids, ws.home);
  if (ws.hostsLeftRunning.length) {
    console.log(`native host pid(s) ${ws.hostsLeftRunning.join(', ')} still ran 5 s after the browser closed; killed`);
  }
}

/** Kills the native hosts the browser started (as a crash would), without counting them as left running. */
export async function killHosts(ws) {
  return reapHosts(ws.logs.hostPids, ws.home, 0);
}

/**
 * GET `siteUrl` from the gateway the way a browser talks to an HTTP proxy (absolute URL in
 * the request line). Resolves to {status, headers, body}. Lets a test tell an engine fault
 * from a browser/extension fault before it starts a browser.
 */
export function getViaGateway(gatewayPort, siteUrl, timeoutMs = 15_000) {
  if (!(gatewayPort >= 1 && gatewayPort <= 65535)) throw new RangeError(`no usable gateway port: ${gatewayPort}`);
  const url = new URL(siteUrl);
  const request = new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: gatewayPort, method: 'GET', path: url.href, headers: { host: url.host } },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
  return withDeadline(request, timeoutMs, `GET ${siteUrl} through the gateway on port ${gatewayPort}`);
}
