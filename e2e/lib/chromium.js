// Debian's Chromium with the unpacked extension, driven by puppeteer-core over CDP.
//
// What works with Chromium 156 (Debian 12 package) in new headless mode, as root:
// --load-extension plus --disable-extensions-except load an unpacked MV3 extension
// (puppeteer's `enableExtensions` + pipe works too, but needs nothing the flags don't do);
// the extension id is fixed by the manifest `key`; Chromium reads native messaging host
// manifests from <user-data-dir>/NativeMessagingHosts/ when --user-data-dir is given (NOT
// from $HOME/.config/chromium/NativeMessagingHosts then, which is only the default profile's).

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { writeHostManifest } from './bitweb.js';
import { BROWSER_BINARIES, EXTENSION_DIRS } from './paths.js';
import { DNS_STEPS } from './dns.js';
import { waitFor } from './wait.js';

/** Chrome's extension id for a manifest `key`: sha256 of the DER key, first 32 nibbles as a-p. */
export function chromeExtensionId(base64Key) {
  const hex = createHash('sha256').update(Buffer.from(base64Key, 'base64')).digest('hex').slice(0, 32);
  return [...hex].map((c) => String.fromCharCode(97 + parseInt(c, 16))).join('');
}

/** Registers the host for the profile in `userDataDir` (Chromium's per-profile folder). */
export function writeChromeHostManifest(userDataDir, launcherPath, extensionId) {
  return writeHostManifest(join(userDataDir, 'NativeMessagingHosts'), launcherPath, { allowed_origins: [`chrome-extension://${extensionId}/`] });
}

export const CHROMIUM_FLAGS = [
  '--no-sandbox', // we run as root
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--no-default-browser-check',
  // There is no network but loopback here: keep Chromium from calling home.
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Launches a fresh headless Chromium with only `extensionDir` loaded (and `extraArgs`). */
export function launchChromium({ extensionDir, userDataDir, env = {}, extraArgs = [], executablePath = BROWSER_BINARIES.chrome }) {
  return puppeteer.launch({
    executablePath,
    headless: true,
    args: [
      ...CHROMIUM_FLAGS,
      `--user-data-dir=${userDataDir}`,
      `--load-extension=${extensionDir}`,
      `--disable-extensions-except=${extensionDir}`,
      '--window-size=1000,700',
      ...extraArgs,
    ],
    defaultViewport: { width: 1000, height: 700 },
    env: { ...process.env, ...env },
    protocolTimeout: 30_000,
    timeout: 30_000,
    // BITWEB_E2E_DUMPIO=1 shows the browser's own stderr (noisy, so off by default).
    dumpio: Boolean(process.env.BITWEB_E2E_DUMPIO),
  });
}

/** The extension's service worker (a Puppeteer WebWorker), waited for up to `timeoutMs`. */
export async function extensionWorker(browser, extensionId, timeoutMs = 15_000) {
  const target = await browser.waitForTarget(
    (t) => t.type() === 'service_worker' && t.url().startsWith(`chrome-extension://${extensionId}/`),
    { timeout: timeoutMs },
  );
  return target.worker();
}

/**
 * Chromium for the shared scenarios (scenarios.js, session.js): how it starts with the
 * extension and host, and what it does its own way.
 */
export const chromium = {
  name: 'chromium',
  label: 'Chromium',
  build: 'chrome',

  /** The extension's id, fixed by the manifest `key`. */
  extensionId(manifest, dir) {
    assert.ok(manifest.key, `${dir}/manifest.json has no "key", so the extension id is not fixed`);
    return chromeExtensionId(manifest.key);
  },

  /**
   * Starts Chromium with a fresh profile `<ws.tmp>/<profile>` that knows the host, and waits
   * for the extension's service worker. `extraArgs` go on its command line, `preferences` into
   * the profile's Preferences file before the start.
   */
  async start({ ws, extensionId, log, profile = 'chromium-profile', extraArgs = [], executablePath, preferences = null }) {
    const userDataDir = join(ws.tmp, profile);
    mkdirSync(userDataDir);
    if (preferences) {
      mkdirSync(join(userDataDir, 'Default'));
      writeFileSync(join(userDataDir, 'Default', 'Preferences'), JSON.stringify(preferences));
    }
    const hostManifest = writeChromeHostManifest(userDataDir, ws.launcher, extensionId);
    const browser = await launchChromium({ extensionDir: EXTENSION_DIRS.chrome, userDataDir, extraArgs, executablePath });
    let worker;
    try {
      worker = await extensionWorker(browser, extensionId);
    } catch (error) {
      await browser.close().catch(() => browser.process()?.kill('SIGKILL'));
      throw error;
    }
    worker.on?.('console', (m) => log(`[worker console.${m.type()}] ${m.text()}`));
    const proxySetting = () => worker.evaluate(() => chrome.proxy.settings.get({}));
    return {
      browser,
      worker,
      hostManifest,
      extensionBase: `chrome-extension://${extensionId}/`,
      closeMs: 10_000,
      openExtensionPage: (page, url) => page.goto(url, { timeout: 15_000 }),
      /** Routing is a PAC script in the browser's proxy setting, readable from the service worker. */
      proxySetting,
      /**
       * Routing is in place once the PAC script points at `gatewayPort`, i.e. the host answered
       * hello with it. A cold JVM makes this take seconds.
       */
      whenRouted: (gatewayPort) => waitFor(`the extension's PAC script to route to 127.0.0.1:${gatewayPort}`, async () => {
        const setting = await proxySetting();
        const data = setting?.value?.pacScript?.data ?? '';
        return setting?.value?.mode === 'pac_script' && data.includes(`127.0.0.1:${gatewayPort}`) ? setting : null;
      }, { timeoutMs: 30_000, intervalMs: 200 }),
      /** Once routed, the site must open within this. */
      siteOpenMs: 20_000,
      /** What a request the extension's rules blocked fails with (declarativeNetRequest). */
      /** No blocking webRequest in MV3: a sandboxed frame's popup is held once onCreatedNavigationTarget comes (a race). */
      holdsSandboxedPopups: false,
      blockedError: 'net::ERR_BLOCKED_BY_CLIENT',
      /** CDP can switch a page's CSP off, leaving only the extension's rules. */
      withoutCsp: (page) => page.setBypassCSP(true),
      /**
       * Nothing: the proxy form's PAC answers for *.bitweb (also for Chromium's own
       * preconnects), and in the subdomain form the preresolve of http://<name>.bitweb/ that
       * network prediction made before the redirect is gone with prediction off
       * (privacy.network.networkPredictionEnabled, background.js).
       */
      dnsLeaks: [],
    };
  },
};
