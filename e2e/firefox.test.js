// End to end in Debian's Firefox ESR with the real extension and the real host: every shared
// scenario (lib/scenarios.js), with Firefox's routing (proxy.onRequest in the extension's
// background page), its declarativeNetRequest and its native messaging. What Firefox under
// WebDriver BiDi cannot show is said by its adapter (lib/firefox.js) and skipped with the
// reason printed. Then what only Firefox needs: the setting docs/PRIVACY.md asks its users to
// keep so that no .bitweb name reaches a DNS resolver. Prerequisites (the caller builds them):
//   mvn package (native-host/target/bitweb.jar) and node extension/build.mjs (extension/dist/firefox)

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openSite } from './lib/checks.js';
import { bitwebDnsLeaks } from './lib/dns.js';
import { FIREFOX_NO_DNS_PREFS, firefox } from './lib/firefox.js';
import { runSharedScenarios } from './lib/scenarios.js';
import { closeOnce, inBrowserSession } from './lib/session.js';
import { firstLinkWhileTheEngineStarts } from './lib/first-link.js';
import { popupText } from './lib/steps.js';

test('firefox: browse, isolation, links and the popup with the real extension and host', { timeout: 260_000 }, (t) => (
  inBrowserSession(t, firefox, async (s) => {
    await runSharedScenarios(t, s);

    await t.test('DNS: with HTTPS-First\'s background request off (docs/PRIVACY.md), no .bitweb name reaches a resolver', (st) => noDnsWithTheSetting(st, s));

    // last: it stops the session's engine
    await t.test('the first link a browser opens while the engine starts shows by itself', (st) => firstLinkWhileTheEngineStarts(st, s, firefox));
  })
));

/** A second Firefox with FIREFOX_NO_DNS_PREFS, the same resolver, the same steps: nothing. */
async function noDnsWithTheSetting(t, { ws, site, engine, resolver, executablePath, extensionId, extensionBase, popupUrl, log }) {
  const since = resolver.queries.length; // what the first Firefox sent is the shared scenario's
  const second = await firefox.start({ ws, extensionId, log, executablePath, profile: 'firefox-no-dns-profile', extraPrefs: FIREFOX_NO_DNS_PREFS });
  ws.browser = second.browser;
  const closeSecond = closeOnce(ws, second.browser, second.closeMs, 'the second Firefox');
  ws.cleanup.add('close the second Firefox', closeSecond);
  // Routed to this engine's gateway (the host answered) before the first load.
  const popup = await second.browser.newPage();
  await second.openExtensionPage(popup, popupUrl.replace(extensionBase, second.extensionBase)); // a new moz-extension UUID
  await popupText(popup, `Proxy: http://<site>.bitweb/ via 127.0.0.1:${engine.gatewayPort}`, 20_000);
  const page = await second.browser.newPage();
  await openSite(page, site.url, second.siteOpenMs);
  const leaks = await bitwebDnsLeaks({ page, popup, site, engine, resolver, before: true, since });
  t.diagnostic(`.bitweb names that reached the resolver: ${JSON.stringify(leaks)}`);
  assert.deepEqual(leaks, [], 'with the setting, no .bitweb name may reach a resolver');
  await closeSecond();
  assert.deepEqual(ws.hostsLeftRunning, [], 'the native host kept running after the second Firefox closed');
}
