// End to end in Debian's Chromium: publish a site with the real host, serve it, load the
// real extension, browse http://<infohash>.bitweb/ through the extension's PAC routing to
// the gateway, and see the site in the popup. Prerequisites (the caller builds them):
//   mvn package (native-host/target/bitweb.jar) and node extension/build.mjs (extension/dist/chrome)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromeExtensionId, extensionWorker, launchChromium, writeChromeHostManifest } from './lib/chromium.js';
import { openSite, siteFacts, waitForText } from './lib/checks.js';
import { EXTENSION_DIRS, missingPrerequisites, readManifest } from './lib/paths.js';
import { SITE_H1_COLOR, SITE_HEADING, SITE_IMAGE_SIZE } from './lib/site.js';
import { waitFor, withDeadline } from './lib/wait.js';
import { getViaGateway, prepareWorkspace, reapBrowserHosts } from './lib/workspace.js';

test('chromium: a published site opens at http://<infohash>.bitweb/ through the extension, and the popup lists it', { timeout: 110_000 }, async (t) => {
  const missing = missingPrerequisites('chrome');
  assert.ok(!missing, `cannot run the Chromium e2e test:\n${missing}`);

  const manifest = readManifest('chrome');
  assert.ok(manifest.key, `${EXTENSION_DIRS.chrome}/manifest.json has no "key", so the extension id is not fixed`);
  const extensionId = chromeExtensionId(manifest.key);
  const popupPath = manifest.action?.default_popup;
  assert.ok(popupPath, 'the manifest names no action.default_popup');

  const ws = await prepareWorkspace('chromium');
  t.after(() => ws.teardown());
  const { site, engine } = ws;
  try {
    t.diagnostic(`site ${site.url}, gateway ${engine.gatewayUrl}, extension ${extensionId}`);

    // The engine alone must serve the site to an HTTP-proxy client before a browser is involved.
    const direct = await getViaGateway(engine.gatewayPort, site.url);
    assert.equal(direct.status, 200, `the gateway answered ${direct.status} to GET ${site.url} (as a proxy)`);
    assert.match(direct.body.toString('utf8'), new RegExp(SITE_HEADING), 'the gateway served a page without the site heading');

    const userDataDir = join(ws.tmp, 'chromium-profile');
    mkdirSync(userDataDir);
    writeChromeHostManifest(userDataDir, ws.launcher, extensionId);

    const browser = await launchChromium({ extensionDir: EXTENSION_DIRS.chrome, userDataDir });
    ws.browser = browser;
    let closing = null; // once, from the test's last step or from teardown
    const closeBrowser = () => (closing ??= (async () => {
      try {
        await withDeadline(browser.close(), 10_000, 'Chromium to close');
      } catch {
        browser.process()?.kill('SIGKILL');
      }
      await reapBrowserHosts(ws);
    })());
    ws.cleanup.add('close Chromium', closeBrowser);
    const log = (line) => appendFileSync(ws.logs.browser, `${line}\n`);

    const worker = await extensionWorker(browser, extensionId);
    t.diagnostic(`service worker ${worker.url()}`);

    // Routing is in place once the extension's PAC script points at this engine's gateway,
    // i.e. the host answered hello with the gateway port. A cold JVM makes this take seconds.
    const wanted = `127.0.0.1:${engine.gatewayPort}`;
    await waitFor(
      `the extension's PAC script to route to ${wanted}`,
      async () => {
        const setting = await worker.evaluate(() => chrome.proxy.settings.get({}));
        const data = setting?.value?.pacScript?.data ?? '';
        return setting?.value?.mode === 'pac_script' && data.includes(wanted) ? setting : null;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    ).catch(async (error) => {
      const setting = await worker.evaluate(() => chrome.proxy.settings.get({})).catch((e) => e.message);
      throw new Error(`${error.message}\nproxy setting now: ${JSON.stringify(setting)}`);
    });

    const page = await browser.newPage();
    page.on('console', (m) => log(`[site console.${m.type()}] ${m.text()}`));
    page.on('requestfailed', (r) => log(`[site request failed] ${r.url()} ${r.failure()?.errorText}`));
    const response = await openSite(page, site.url, 20_000);
    assert.equal(response.status(), 200);

    const facts = await siteFacts(page);
    await page.screenshot({ path: join(ws.artifacts, 'site.png') });
    assert.equal(facts.h1, SITE_HEADING);
    assert.equal(facts.origin, `http://${site.address}.bitweb`);
    assert.equal(facts.img?.src, `http://${site.address}.bitweb/img/dot.png`);
    assert.ok(facts.img.naturalWidth > 0, `the relative image did not load: ${JSON.stringify(facts.img)}`);
    assert.deepEqual([facts.img.naturalWidth, facts.img.naturalHeight], [SITE_IMAGE_SIZE.width, SITE_IMAGE_SIZE.height]);
    assert.equal(facts.h1Color, SITE_H1_COLOR, 'style.css did not apply');

    const popup = await browser.newPage();
    popup.on('console', (m) => log(`[popup console.${m.type()}] ${m.text()}`));
    popup.on('pageerror', (e) => log(`[popup error] ${e.message}`));
    await popup.setViewport({ width: 420, height: 600 });
    await popup.goto(`chrome-extension://${extensionId}/${popupPath}`, { timeout: 15_000 });
    try {
      const text = await waitForText(popup, site.url, 20_000);
      t.diagnostic(`popup: ${text.replace(/\s+/g, ' ').slice(0, 300)}`);
    } finally {
      await popup.screenshot({ path: join(ws.artifacts, 'popup.png'), fullPage: true }).catch(() => {});
    }

    // The browser closes the host's stdin when it is done with it; the host must then exit.
    await closeBrowser();
    assert.deepEqual(ws.hostsLeftRunning, [], 'the native host kept running after the browser closed');
  } catch (error) {
    throw await ws.failed(error);
  }
});
