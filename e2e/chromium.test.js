// End to end in Debian's Chromium with the real extension and the real host: every shared
// scenario (lib/scenarios.js) with Chromium's PAC routing and declarativeNetRequest (its
// adapter: lib/chromium.js), then what only Chromium has: a proxy of the person's own that
// BitWeb's PAC script must carry over. Prerequisites (the caller builds them):
//   mvn package (native-host/target/bitweb.jar) and node extension/build.mjs (extension/dist/chrome)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSite } from './lib/checks.js';
import { chromium } from './lib/chromium.js';
import { runSharedScenarios } from './lib/scenarios.js';
import { startSink } from './lib/servers.js';
import { closeOnce, inBrowserSession } from './lib/session.js';
import { firstLinkWhileTheEngineStarts } from './lib/first-link.js';
import { popupText, screenshot } from './lib/steps.js';
import { waitFor } from './lib/wait.js';

test('chromium: browse, isolation, links and the popup with the real extension and host', { timeout: 230_000 }, (t) => (
  inBrowserSession(t, chromium, async (s) => {
    await runSharedScenarios(t, s);

    await t.test('the person\'s own proxy is carried over: other sites still go through it, *.bitweb to the gateway', () => carriesTheirProxy(s));

    // last: it stops the session's engine
    await t.test('the first link a browser opens while the engine starts shows by itself', (st) => firstLinkWhileTheEngineStarts(st, s, chromium));
  })
));

/**
 * A proxy given with --proxy-server shows up as a fixed_servers setting BitWeb may replace;
 * a second Chromium starts with one pointing at a stand-in proxy on 127.0.0.4 that records
 * what reaches it.
 */
async function carriesTheirProxy({ ws, site, engine, extensionId, popupUrl, log }) {
  const theirProxy = await startSink('127.0.0.4');
  ws.cleanup.add('stop the stand-in proxy', () => theirProxy.stop());
  const proxied = await chromium.start({
    ws, extensionId, log, profile: 'chromium-with-proxy', extraArgs: [`--proxy-server=http://127.0.0.4:${theirProxy.port}`],
  });
  ws.browser = proxied.browser;
  const closeProxied = closeOnce(ws, proxied.browser, proxied.closeMs, 'the second Chromium');
  ws.cleanup.add('close the second Chromium', closeProxied);

  const setting = await waitFor('the PAC to carry the person\'s proxy', async () => {
    const value = await proxied.proxySetting();
    const data = value?.value?.pacScript?.data ?? '';
    return data.includes(`PROXY 127.0.0.1:${engine.gatewayPort}`) && data.includes(`PROXY 127.0.0.4:${theirProxy.port}`) ? value : null;
  }, { timeoutMs: 30_000, intervalMs: 200 });
  assert.equal(setting.levelOfControl, 'controlled_by_this_extension');
  const stored = await proxied.worker.evaluate(() => chrome.storage.local.get('proxyBaseline'));
  assert.equal(stored.proxyBaseline.value.mode, 'fixed_servers', 'the person\'s setting is remembered');

  const popup = await proxied.browser.newPage();
  await popup.setViewport({ width: 420, height: 900 });
  await proxied.openExtensionPage(popup, popupUrl);
  await popupText(popup, `Your proxy (127.0.0.4:${theirProxy.port}) is still used for every other site.`, 20_000);
  await screenshot(popup, ws, 'popup-carried-proxy.png');

  const page = await proxied.browser.newPage();
  await openSite(page, site.url, 15_000);
  // In a tab of its own: a tab that shows a BitWeb page sends navigations out to the leave page.
  const clearTab = await proxied.browser.newPage();
  await clearTab.goto('http://clear-web.example/through-their-proxy', { waitUntil: 'load' }).catch(() => {});
  await waitFor('the person\'s proxy to see the clear-web request', () => theirProxy.requests.some((r) => r.url === 'http://clear-web.example/through-their-proxy'), { timeoutMs: 10_000 });
  assert.ok(!theirProxy.requests.some((r) => r.url.includes('.bitweb')), 'no BitWeb request went to the person\'s proxy');
  await closeProxied();
  assert.deepEqual(ws.hostsLeftRunning, [], 'the native host kept running after the second browser closed');
}
