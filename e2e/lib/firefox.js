// Debian's Firefox ESR with the unpacked extension, driven by puppeteer-core over WebDriver
// BiDi (`browser: 'firefox'`).
//
// What works with Firefox ESR 153 (Debian 12 package): browser.installExtension(dir)
// installs the unpacked MV3 extension as a temporary add-on; native messaging finds the host
// manifest in $HOME/.mozilla/native-messaging-hosts/ (we point HOME at a temp dir); the
// moz-extension:// UUID, random per profile, is fixed with the pref
// extensions.webextensions.uuids. BiDi refuses to navigate a tab to moz-extension:// unless
// Firefox runs with --remote-allow-system-access, and even then Puppeteer never sees that
// navigation finish (the tab moves to the extension process), so openExtensionPage() starts
// it and waits for location.href instead.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { BROWSER_BINARIES, EXTENSION_DIRS } from './paths.js';
import { writeHostManifest } from './bitweb.js';
import { DNS_STEPS } from './dns.js';
import { waitFor } from './wait.js';
import { getViaGateway } from './workspace.js';

/** Registers the host for Firefox run with HOME=`home`; returns the manifest's path. */
export function writeFirefoxHostManifest(home, launcherPath, geckoId) {
  return writeHostManifest(join(home, '.mozilla', 'native-messaging-hosts'), launcherPath, { allowed_extensions: [geckoId] });
}

// Besides Puppeteer's own test prefs: keep Firefox off the (closed) network.
const QUIET_PREFS = {
  'app.normandy.enabled': false,
  'app.update.auto': false,
  'browser.region.network.url': '',
  'browser.search.geoip.url': '',
  'browser.topsites.contile.enabled': false,
  'browser.newtabpage.activity-stream.feeds.system.topstories': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'datareporting.healthreport.uploadEnabled': false,
  'extensions.getAddons.cache.enabled': false,
  'extensions.systemAddon.update.enabled': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'network.trr.mode': 5,
  // Network prediction as a fresh Firefox has it (Puppeteer turns speculative connections
  // off): the extension is what must turn it off (scenario 'network prediction').
  'network.dns.disablePrefetch': false,
  'network.prefetch-next': true,
  'network.predictor.enabled': true,
  'network.http.speculative-parallel-limit': 6,
  'toolkit.telemetry.enabled': false,
};

const NO_BACKGROUND_REQUEST = 'dom.security.https_only_mode_send_http_background_request';

/**
 * The setting docs/PRIVACY.md asks Firefox users to keep, so that no `.bitweb` name reaches a
 * resolver: HTTPS-First's background request off (an extension cannot set it).
 */
export const FIREFOX_NO_DNS_PREFS = Object.freeze({ [NO_BACKGROUND_REQUEST]: false });

/**
 * Launches a fresh headless Firefox ESR (profile `profileDir`, HOME `home`, `prefs` on top of
 * the quiet ones) and installs `extensionDir` as a temporary add-on. Resolves to {browser, extensionBase}, where
 * extensionBase is `moz-extension://<uuid>/`.
 */
export async function launchFirefox({ extensionDir, geckoId, profileDir, home, env = {}, prefs = {}, executablePath = BROWSER_BINARIES.firefox }) {
  const uuid = randomUUID();
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath,
    headless: true,
    userDataDir: profileDir,
    args: ['--remote-allow-system-access', '--width=1000', '--height=700'],
    defaultViewport: { width: 1000, height: 700 },
    extraPrefsFirefox: { ...QUIET_PREFS, ...prefs, 'extensions.webextensions.uuids': JSON.stringify({ [geckoId]: uuid }) },
    env: { ...process.env, HOME: home, ...env },
    protocolTimeout: 30_000,
    timeout: 30_000,
    dumpio: Boolean(process.env.BITWEB_E2E_DUMPIO),
  });
  try {
    const installed = await browser.installExtension(extensionDir);
    if (installed !== geckoId) throw new Error(`Firefox installed the extension as ${installed}, expected ${geckoId}`);
  } catch (error) {
    await browser.close().catch(() => browser.process()?.kill('SIGKILL'));
    throw error;
  }
  return { browser, extensionBase: `moz-extension://${uuid}/` };
}

/**
 * Shows the extension page `url` in `page`. The navigation's own promise never settles
 * under BiDi (see above), so it is left to fail quietly and we wait for the document.
 */
export async function openExtensionPage(page, url, timeoutMs = 15_000) {
  page.goto(url, { timeout: timeoutMs }).catch(() => {});
  await waitFor(`${url} to load`, async () => {
    const state = await page.evaluate(() => [location.href, document.readyState]);
    return state[0] === url && state[1] === 'complete';
  }, { timeoutMs, intervalMs: 100 });
}

/**
 * The next load of `url` in `page` gets the gateway's own body for it, without the
 * Content-Security-Policy header (BiDi request interception answers that one document; every
 * other request goes on as it would, through the extension's rules and proxy).
 */
async function serveWithoutCsp(page, url, gatewayPort) {
  const { status, headers, body } = await getViaGateway(gatewayPort, url);
  assert.equal(status, 200, `the gateway answered ${status} to ${url}`);
  assert.ok(headers['content-security-policy'], 'the gateway sent no CSP to take away');
  await page.setRequestInterception(true);
  page.on('request', (request) => {
    if (request.isInterceptResolutionHandled()) return;
    if (request.url() === url && request.isNavigationRequest()) {
      request.respond({ status: 200, contentType: headers['content-type'], body });
    } else {
      request.continue();
    }
  });
}

/**
 * Firefox ESR for the shared scenarios (scenarios.js, session.js): how it starts with the
 * extension and host, and what it does its own way, or cannot do headless under BiDi.
 */
export const firefox = {
  name: 'firefox',
  label: 'Firefox',
  build: 'firefox',

  /** The add-on id the host manifest allows (browser_specific_settings.gecko.id). */
  extensionId(manifest, dir) {
    const geckoId = manifest.browser_specific_settings?.gecko?.id;
    assert.ok(geckoId, `${dir}/manifest.json has no browser_specific_settings.gecko.id`);
    return geckoId;
  },

  /** Starts Firefox with a fresh profile and a HOME whose native-messaging-hosts know the host. */
  async start({ ws, extensionId, executablePath, profile = 'firefox-profile', extraPrefs = {} }) {
    const home = join(ws.tmp, 'firefox-home');
    const profileDir = join(ws.tmp, profile);
    mkdirSync(profileDir, { recursive: true });
    const hostManifest = writeFirefoxHostManifest(home, ws.launcher, extensionId);
    const { browser, extensionBase } = await launchFirefox({ extensionDir: EXTENSION_DIRS.firefox, geckoId: extensionId, profileDir, home, executablePath, prefs: extraPrefs });
    return {
      browser,
      hostManifest,
      extensionBase,
      closeMs: 15_000,
      openExtensionPage,
      /** Routing is proxy.onRequest in the background page: no setting to read or give back. */
      proxySetting: null,
      /** Nothing shows routing is in place before a site loads through it. */
      whenRouted: null,
      /** Until the host's hello arrives the extension routes to the default port, so the first tries fail. */
      siteOpenMs: 30_000,
      /**
       * A request declarativeNetRequest blocked is cancelled with NS_ERROR_ABORT (WebRequest's
       * cancel). Other ends differ: a closed port NS_ERROR_CONNECTION_REFUSED, a dead proxy
       * NS_ERROR_PROXY_CONNECTION_REFUSED, a load given up NS_BINDING_ABORTED, and a CSP
       * block never becomes a request. With the isolation ruleset off, the checks that expect
       * this fail (e2e/README.md).
       */
      blockedError: 'NS_ERROR_ABORT',
      /**
       * The blocking top-level listener (isolation.js topLevelVerdict) decides a new tab's first
       * request before it leaves, given the host permission every http(s) host, which a
       * temporary add-on, like an installed one (Firefox 127+), has from install on.
       */
      holdsSandboxedPopups: true,
      /** BiDi has no CSP bypass: the page's document is answered by the test, without the header. */
      withoutCsp: serveWithoutCsp,
      /**
       * HTTPS-First's "background HTTP request" (nsHTTPSOnlyUtils::PotentiallyFireHttpRequestToShortenTimout)
       * asks for the HTTPS record of every top-level http://<name>.bitweb/ load at the default
       * port before the extension's proxy.onRequest has answered, in both address forms (the
       * subdomain form's redirect comes later): typed addresses here. Links the extension opens
       * and a person's clicks on links to other sites go through the detour port (isolation.js)
       * and send nothing. Not when FIREFOX_NO_DNS_PREFS are set (firefox.test.js).
       */
      dnsLeaks: extraPrefs[NO_BACKGROUND_REQUEST] === false ? [] : [
        { step: DNS_STEPS.before, names: ['<site>.bitweb HTTPS', 'e2e.bitweb HTTPS'] },
        { step: DNS_STEPS.proxyTyped, names: ['<new>.bitweb HTTPS'] },
        { step: DNS_STEPS.subdomainTyped, names: ['<new>.bitweb HTTPS'] },
      ],
    };
  },
};
