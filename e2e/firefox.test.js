// End to end in Debian's Firefox ESR: the same flow as chromium.test.js, with Firefox's
// routing (proxy.onRequest in the extension's background page) and its native messaging.
// Prerequisites (the caller builds them):
//   mvn package (native-host/target/bitweb.jar) and node extension/build.mjs (extension/dist/firefox)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openSite, siteFacts, waitForText } from './lib/checks.js';
import { launchFirefox, openExtensionPage, writeFirefoxHostManifest } from './lib/firefox.js';
import { EXTENSION_DIRS, missingPrerequisites, readManifest } from './lib/paths.js';
import { SITE_H1_COLOR, SITE_HEADING, SITE_IMAGE_SIZE } from './lib/site.js';
import { withDeadline } from './lib/wait.js';
import { getViaGateway, prepareWorkspace, reapBrowserHosts } from './lib/workspace.js';

test('firefox: a published site opens at http://<infohash>.bitweb/ through the extension, and the popup lists it', { timeout: 110_000 }, async (t) => {
  const missing = missingPrerequisites('firefox');
  assert.ok(!missing, `cannot run the Firefox e2e test:\n${missing}`);

  const manifest = readManifest('firefox');
  const geckoId = manifest.browser_specific_settings?.gecko?.id;
  assert.ok(geckoId, `${EXTENSION_DIRS.firefox}/manifest.json has no browser_specific_settings.gecko.id`);
  const popupPath = manifest.action?.default_popup;
  assert.ok(popupPath, 'the manifest names no action.default_popup');

  const ws = await prepareWorkspace('firefox');
  t.after(() => ws.teardown());
  const { site, engine } = ws;
  try {
    t.diagnostic(`site ${site.url}, gateway ${engine.gatewayUrl}, extension ${geckoId}`);

    const direct = await getViaGateway(engine.gatewayPort, site.url);
    assert.equal(direct.status, 200, `the gateway answered ${direct.status} to GET ${site.url} (as a proxy)`);
    assert.match(direct.body.toString('utf8'), new RegExp(SITE_HEADING), 'the gateway served a page without the site heading');

    const home = join(ws.tmp, 'firefox-home');
    const profileDir = join(ws.tmp, 'firefox-profile');
    mkdirSync(profileDir, { recursive: true });
    writeFirefoxHostManifest(home, ws.launcher, geckoId);

    const { browser, extensionBase } = await launchFirefox({ extensionDir: EXTENSION_DIRS.firefox, geckoId, profileDir, home });
    ws.browser = browser;
    let closing = null; // once, from the test's last step or from teardown
    const closeBrowser = () => (closing ??= (async () => {
      try {
        await withDeadline(browser.close(), 15_000, 'Firefox to close');
      } catch {
        browser.process()?.kill('SIGKILL');
      }
      await reapBrowserHosts(ws);
    })());
    ws.cleanup.add('close Firefox', closeBrowser);
    const log = (line) => appendFileSync(ws.logs.browser, `${line}\n`);

    // No service worker to inspect here: routing is in place when the site loads. Until the
    // host's hello arrives the extension routes to the default port, so the first tries fail.
    const page = await browser.newPage();
    page.on('console', (m) => log(`[site console.${m.type()}] ${m.text()}`));
    const response = await openSite(page, site.url, 30_000);
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
    await popup.setViewport({ width: 420, height: 600 });
    await openExtensionPage(popup, `${extensionBase}${popupPath}`);
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
