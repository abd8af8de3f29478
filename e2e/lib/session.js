// One browser session, the setting every scenario (scenarios.js) runs in: a workspace (its
// own state dir, the published test site, a running engine, a host launcher), the two
// clear-web servers, and a browser that the browser's adapter (chromium.js, firefox.js)
// starts with the real extension and host. Teardown stops all of it, pass or fail.

import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { BROWSER_BINARIES, EXTENSION_DIRS, missingPrerequisites, readManifest } from './paths.js';
import { browserInResolverNamespace, startResolver } from './resolver.js';
import { startClearWeb, startSink } from './servers.js';
import { SITE_HEADING } from './site.js';
import { withDeadline } from './wait.js';
import { getViaGateway, prepareWorkspace, reapBrowserHosts } from './workspace.js';

/**
 * Closes `browser` within `ms` (else kills it), then reaps the hosts it started; once,
 * however often it is called (from the test's last step and again from teardown).
 */
export function closeOnce(ws, browser, ms, what) {
  let closing = null;
  return () => (closing ??= (async () => {
    try {
      await withDeadline(browser.close(), ms, `${what} to close`);
    } catch {
      browser.process()?.kill('SIGKILL');
    }
    await reapBrowserHosts(ws);
  })());
}

/**
 * Runs `body(session)` in a fresh session of the browser `adapter` describes, as the test
 * `t`; a failure comes back with the ends of the logs and screenshots of every tab.
 *
 * The session: {ws, site, engine, sink, clear, resolver (the browser's DNS, resolver.js),
 * executablePath (the browser run with it), extensionId, popupUrl, adapter (what the
 * adapter's start() returned), browser, extensionBase, hostManifest, log(line),
 * newPage(name), closeBrowser()}.
 */
export async function inBrowserSession(t, adapter, body) {
  const missing = missingPrerequisites(adapter.build);
  assert.ok(!missing, `cannot run the ${adapter.label} e2e test:\n${missing}`);
  const manifest = readManifest(adapter.build);
  const extensionId = adapter.extensionId(manifest, EXTENSION_DIRS[adapter.build]);
  const popupPath = manifest.action?.default_popup;
  assert.ok(popupPath, 'the manifest names no action.default_popup');

  const ws = await prepareWorkspace(adapter.name);
  t.after(() => ws.teardown());
  const { site, engine } = ws;
  try {
    t.diagnostic(`site ${site.url}, gateway ${engine.gatewayUrl}, extension ${extensionId}`);

    // The engine alone must serve the site to an HTTP-proxy client before a browser is involved.
    const direct = await getViaGateway(engine.gatewayPort, site.url);
    assert.equal(direct.status, 200, `the gateway answered ${direct.status} to GET ${site.url} (as a proxy)`);
    assert.match(direct.body.toString('utf8'), new RegExp(SITE_HEADING), 'the gateway served a page without the site heading');

    const sink = await startSink();
    ws.cleanup.add('stop the sink server', () => sink.stop());
    const clear = await startClearWeb({ siteUrl: site.url, imagePath: '/img/dot.png', gatewayPort: engine.gatewayPort });
    ws.cleanup.add('stop the clear-web server', () => clear.stop());

    // The browser asks only this resolver (its own /etc/resolv.conf): what reaches it is what
    // the browser would have told the person's network.
    const resolver = await startResolver();
    ws.cleanup.add('stop the DNS resolver', () => resolver.stop());
    const executablePath = browserInResolverNamespace(ws.tmp, `${adapter.name}-with-test-resolver`, BROWSER_BINARIES[adapter.build], resolver.resolvConf(ws.tmp));

    const log = (line) => appendFileSync(ws.logs.browser, `${line}\n`);
    const started = await adapter.start({ ws, extensionId, log, executablePath });
    const { browser } = started;
    ws.browser = browser;
    const closeBrowser = closeOnce(ws, browser, started.closeMs, adapter.label);
    ws.cleanup.add(`close ${adapter.label}`, closeBrowser);
    const newPage = async (name) => {
      const page = await browser.newPage();
      page.on('console', (m) => log(`[${name} console.${m.type()}] ${m.text()}`));
      page.on('pageerror', (e) => log(`[${name} error] ${e.message}`));
      return page;
    };

    await body({
      ws, site, engine, sink, clear, resolver, executablePath, extensionId,
      popupUrl: `${started.extensionBase}${popupPath}?tab`,
      adapter: started,
      browser,
      extensionBase: started.extensionBase,
      hostManifest: started.hostManifest,
      log,
      newPage,
      closeBrowser,
    });
  } catch (error) {
    throw await ws.failed(error);
  }
}
