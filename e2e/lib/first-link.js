// The first link a browser opens while no engine runs (a link from another program, a
// restored tab): the host the browser starts starts the engine, and the page asked for in the
// meantime must show by itself once the engine's gateway is up, without the person reloading.
// Chromium's request fails first (no gateway, or in a new profile no routing yet): the tab
// shows the extension's "Starting BitWeb…" page, and the page again once routed; Firefox's proxy listener holds it until then
// (extension/src/starting-visits.js). Runs last in a session: it stops the session's engine.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeHostLauncher } from './bitweb.js';
import { closeOnce } from './session.js';
import { SITE_HEADING } from './site.js';

const SHOWN_WITHIN_MS = 60_000;

export async function firstLinkWhileTheEngineStarts(t, { ws, site, engine, executablePath, extensionId, log }, adapter) {
  await engine.stop();
  // The engine this host starts keeps to loopback like the suite's own (no DHT, LAN or router).
  const launcher = writeHostLauncher(ws.cmd, ws.home, join(ws.tmp, 'first-link-host.sh'), {
    stderrLog: ws.logs.hostStderr,
    pidFile: ws.logs.hostPids,
    env: { BITWEB_DHT: 'off', BITWEB_LAN: 'off', BITWEB_PORTMAP: 'off' },
  });
  const startedAt = Date.now();
  const started = await adapter.start({ ws: { ...ws, launcher }, extensionId, log, executablePath, profile: `${adapter.name}-first-link-profile` });
  ws.browser = started.browser;
  ws.cleanup.add(`close the first-link ${adapter.label}`, closeOnce(ws, started.browser, started.closeMs, `the first-link ${adapter.label}`));

  const page = await started.browser.newPage();
  const askedAt = Date.now();
  // Asked once; the test never loads it again. The first load may fail: that is the point.
  const first = page.goto(site.url, { timeout: SHOWN_WITHIN_MS }).then(() => 'loaded', (error) => error.message);
  let heading = null;
  const seen = new Set(); // what the tab showed meanwhile
  while (heading !== SITE_HEADING && Date.now() - askedAt < SHOWN_WITHIN_MS) {
    heading = await page.evaluate(() => document.querySelector('h1')?.textContent.trim() ?? null).catch(() => null);
    seen.add(page.url().split('#')[0]);
    if (heading !== SITE_HEADING) await new Promise((resolve) => setTimeout(resolve, 50)); // bounded by the deadline above
  }
  const shownAt = Date.now();
  const firstLoad = await Promise.race([first, new Promise((resolve) => setTimeout(() => resolve('still loading'), 1_000))]);
  t.diagnostic(`figure: ${adapter.label} started with no engine running: the site asked for at once was shown `
    + `${shownAt - askedAt} ms later (${shownAt - startedAt} ms after the browser's launch); the first load: ${firstLoad}`);
  assert.equal(heading, SITE_HEADING, `the page asked for while the engine started did not show by itself within ${SHOWN_WITHIN_MS} ms (last heading: ${JSON.stringify(heading)}; first load: ${firstLoad})`);
  assert.equal(new URL(page.url()).hostname, new URL(site.url).hostname, 'shown at the address asked for');
  if (firstLoad !== 'loaded' && firstLoad !== 'still loading') {
    // a first load that failed: meanwhile the tab said it waits for BitWeb, not the browser's error
    const starting = `${started.extensionBase}src/starting.html`;
    assert.ok(seen.has(starting), `the tab never showed ${starting} while it waited; it showed ${JSON.stringify([...seen])}`);
  }
}
