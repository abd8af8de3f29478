// The steps the browser scenarios (scenarios.js) are made of, the same in every browser. Each
// drives a page like a person (or a hostile page) would and returns plain facts; the
// scenarios assert on them, so a failure names the browser and the fact.

import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SITE_HEADING } from './site.js';
import { waitFor } from './wait.js';

/** What reached the sink, less the favicon the browser asks for once a person opened a sink page. */
export const sinkSaw = (sink) => sink.requests.map((r) => r.url).filter((url) => url !== '/favicon.ico');

/** Runs `fn` in `page` and returns its value (a string of JS facts, never a DOM node). */
const run = (page, fn, ...args) => page.evaluate(fn, ...args);

/**
 * Collects failed requests in `page` as {url, error, navigation} (Chromium reports
 * net::ERR_BLOCKED_BY_CLIENT for a declarativeNetRequest block, which tells it apart from a
 * CSP block or a dead server; `navigation` is set for a frame's or tab's own document).
 */
export function recordFailures(page) {
  const failures = [];
  page.on('requestfailed', (request) => failures.push({
    url: request.url(), error: request.failure()?.errorText ?? '', navigation: request.isNavigationRequest(),
  }));
  return failures;
}

/** In a BitWeb page: try every way of reaching `sinkUrl`; each must fail. */
export function reachOut(page, sinkUrl) {
  return run(page, async (sink) => {
    const attempt = async (url) => {
      try {
        const response = await fetch(url, { mode: 'no-cors', cache: 'no-store' });
        return `reached (${response.type})`;
      } catch (error) {
        return `blocked: ${error.name}`;
      }
    };
    const image = await new Promise((resolve) => {
      const img = new Image();
      img.onload = () => resolve('load');
      img.onerror = () => resolve('error');
      img.src = `${sink}/image.png`;
    });
    const socket = await new Promise((resolve) => {
      try {
        const s = new WebSocket(`${sink.replace(/^http/, 'ws')}/socket`);
        s.onopen = () => { s.close(); resolve('open'); };
        s.onerror = () => resolve('error');
      } catch (error) {
        resolve(`threw ${error.name}`);
      }
    });
    let beacon;
    try {
      beacon = navigator.sendBeacon(`${sink}/beacon`, 'bitweb-e2e');
    } catch (error) {
      beacon = `threw ${error.name}`;
    }
    const xhr = await new Promise((resolve) => {
      const request = new XMLHttpRequest();
      request.open('GET', `${sink}/xhr`);
      request.onload = () => resolve(`status ${request.status}`);
      request.onerror = () => resolve('error');
      request.send();
    });
    return { fetch: await attempt(`${sink}/fetch`), image, socket, beacon: String(beacon), xhr };
  }, sinkUrl);
}

/** In a BitWeb page: WebRTC must be gone, also from a same-origin frame made on the fly. */
export function webrtcFacts(page) {
  return run(page, () => {
    const tryNew = (Ctor) => {
      if (typeof Ctor !== 'function') return 'absent';
      try {
        const pc = new Ctor({ iceServers: [{ urls: 'stun:127.0.0.2:3478' }] });
        pc.close();
        return 'created';
      } catch (error) {
        return `threw ${error.name}`;
      }
    };
    const frame = document.createElement('iframe');
    document.body.append(frame);
    const viaContentWindow = tryNew(frame.contentWindow.RTCPeerConnection);
    const second = document.createElement('iframe');
    document.body.append(second);
    const viaIndex = tryNew(window[window.length - 1].RTCPeerConnection); // the known gap
    return { top: tryNew(window.RTCPeerConnection), viaContentWindow, viaIndex };
  });
}

/**
 * Adds `<iframe sandbox="<flags>" srcdoc="<html>">` to `page` (its documents have an opaque
 * origin), named uniquely, and resolves to {frame, name} once its document is there.
 */
export async function addSandboxedFrame(page, flags, html) {
  const before = new Set(page.frames());
  const name = `sandboxed-${Math.random().toString(36).slice(2)}`;
  await run(page, (f, h, n) => {
    const frame = document.createElement('iframe');
    frame.setAttribute('sandbox', f);
    frame.name = n;
    frame.srcdoc = h;
    frame.style.cssText = 'width:400px;height:120px';
    // The frame's own document (its button, its script) is there once it fired load: a click
    // or a message sent earlier lands on an empty frame (seen on slow machines).
    frame.addEventListener('load', () => { frame.dataset.loaded = 'yes'; }, { once: true });
    document.body.prepend(frame);
  }, flags, html, name);
  const frame = await waitFor(`the sandboxed frame (${flags})`, () => page.frames().find((f) => !before.has(f) && f.parentFrame() === page.mainFrame()),
    { timeoutMs: 10_000 });
  await waitFor(`the sandboxed frame (${flags}) to load its document`,
    () => run(page, (n) => document.querySelector(`iframe[name="${n}"]`)?.dataset.loaded === 'yes', name), { timeoutMs: 10_000 });
  return { frame, name };
}

/** Adds a link to `page` and clicks it like a person (a trusted click). */
export async function clickNewLink(page, href, id = `e2e-link-${Date.now()}`) {
  await run(page, (h, i) => {
    const a = document.createElement('a');
    a.id = i;
    a.href = h;
    a.textContent = `link ${i}`;
    a.style.cssText = 'display:block;font-size:24px;padding:8px';
    document.body.prepend(a);
  }, href, id);
  await page.click(`#${id}`);
}

/**
 * In a BitWeb page: adds a link for each of `hrefs` and clicks it from script, twice
 * (`a.click()`, then a dispatched MouseEvent with ctrlKey, which would ask for a new tab):
 * clicks no person made. Returns [{href, how, prevented}], `prevented` (dispatchEvent only)
 * saying whether the click's default action was cancelled.
 */
export function syntheticClicks(page, hrefs) {
  return run(page, (list) => {
    const facts = [];
    list.forEach((href, i) => {
      for (const how of ['click()', 'dispatchEvent']) {
        const a = document.createElement('a');
        a.href = href;
        a.id = `synthetic-${i}-${how === 'click()' ? 'a' : 'b'}`;
        a.textContent = a.id;
        document.body.append(a);
        if (how === 'click()') {
          a.click();
          facts.push({ href, how });
        } else {
          const notCancelled = a.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, ctrlKey: true, view: window }));
          facts.push({ href, how, prevented: !notCancelled });
        }
      }
    });
    return facts;
  }, hrefs);
}

/**
 * Records from now on the URLs `page`'s main frame navigates to and the pages `browser`
 * opens; stop() ends the recording.
 */
export function followNavigations(page, browser) {
  const navigations = [];
  const newTabs = [];
  const onNavigated = (frame) => { if (frame === page.mainFrame()) navigations.push(frame.url()); };
  const onTarget = (target) => { if (target.type() === 'page') newTabs.push(target.url()); };
  page.on('framenavigated', onNavigated);
  browser.on('targetcreated', onTarget);
  return {
    navigations,
    newTabs,
    stop() {
      page.off('framenavigated', onNavigated);
      browser.off('targetcreated', onTarget);
    },
  };
}

/**
 * Waits until `page` shows a document at `url` (exactly, or only starting with it when
 * `prefix` is set) that has finished loading.
 */
export function waitForLocation(page, url, { prefix = false, timeoutMs = 10_000 } = {}) {
  return waitFor(`the tab to show ${url}${prefix ? '…' : ''}`, async () => {
    const [href, state] = await run(page, () => [location.href, document.readyState]).catch(() => [null, null]);
    const there = href !== null && (prefix ? href.startsWith(url) : href === url);
    return there && state !== 'loading' ? href : null;
  }, { timeoutMs, intervalMs: 100, describe: () => page.url() });
}

/** Waits until the page shows the test site's heading. */
export function waitForSiteHeading(page, timeoutMs = 15_000) {
  return waitFor('the site heading', async () => {
    const h1 = await run(page, () => document.querySelector('h1')?.textContent.trim() ?? null).catch(() => null);
    return h1 === SITE_HEADING ? h1 : null;
  }, { timeoutMs, intervalMs: 100, describe: () => page.url() });
}

/** The popup's visible text once `needle` shows (bounded). */
export async function popupText(page, needle, timeoutMs = 15_000) {
  await waitFor(`the popup to say ${JSON.stringify(needle)}`, async () => {
    const text = await run(page, () => document.body?.innerText ?? '');
    return text.includes(needle) ? text : null;
  }, { timeoutMs, intervalMs: 100, describe: () => '(see screenshot)' }).catch(async (error) => {
    const text = await run(page, () => document.body?.innerText ?? '').catch((e) => `(unreadable: ${e.message})`);
    throw new Error(`${error.message}\nthe popup says:\n${text}`);
  });
  return run(page, () => document.body.innerText);
}

/** A site row's facts in the popup. */
export function popupRow(page, address) {
  return run(page, (a) => {
    const row = document.querySelector(`li.site[data-address="${a}"]`);
    if (!row) return null;
    return {
      badges: [...row.querySelectorAll('.badge')].map((b) => b.textContent),
      seedButton: row.querySelector('.act-seed')?.textContent ?? null,
      details: row.querySelector('.site-details')?.textContent ?? null,
      names: row.querySelector('.site-names')?.textContent ?? null,
    };
  }, address);
}

/**
 * Clicks `selector` in the popup like a person, again if the popup re-rendered it meanwhile:
 * a site.update re-renders every site row, and Puppeteer then holds a detached node and
 * fails before it clicks.
 */
function clickRendered(page, selector, timeoutMs = 10_000) {
  return waitFor(`a click on ${selector}`, async () => {
    await page.click(selector);
    return true;
  }, { timeoutMs, intervalMs: 100 });
}

/** Clicks the seed/unseed button of a row and waits until the row says `badge`. */
export async function toggleSeeding(page, address, wantBadge) {
  await clickRendered(page, `li.site[data-address="${address}"] .act-seed`);
  return waitFor(`the popup row to show "${wantBadge}"`, async () => {
    const row = await popupRow(page, address);
    return row?.badges.includes(wantBadge) ? row : null;
  }, { timeoutMs: 15_000, intervalMs: 100, describe: () => 'row unchanged' });
}

export async function screenshot(page, ws, name) {
  await page.screenshot({ path: join(ws.artifacts, name), fullPage: true }).catch(() => {});
}

/** Types into an input of the popup (clearing it first). */
export async function typeInto(page, selector, text) {
  await run(page, (s) => { document.querySelector(s).value = ''; }, selector);
  await page.type(selector, text);
}

/** Writes a second small site (one page) to publish from the popup; returns its folder. */
export function writeSecondSite(dir) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>second</title><h1>A second BitWeb site</h1>\n');
  return dir;
}

/** The addresses of the popup's site rows. */
export function popupAddresses(page) {
  return run(page, () => [...document.querySelectorAll('li.site')].map((li) => li.dataset.address));
}

/**
 * In the popup: publish `folder` by its typed path, wait for the new row, remove it with the
 * confirmation, and return {address, published, removed} (the popup's messages).
 */
export async function publishAndRemove(page, folder, knownAddresses) {
  await typeInto(page, '#publish-path', folder);
  await page.click('#publish-button');
  const published = await waitFor('the popup to say the folder was published', async () => {
    const text = await run(page, () => document.getElementById('publish-result').textContent);
    return text.startsWith('Published') || text.includes('failed') ? text : null;
  }, { timeoutMs: 30_000, describe: () => 'no result yet' });
  const address = await waitFor('the new site in the list', async () => {
    const list = await popupAddresses(page);
    return list.find((a) => !knownAddresses.includes(a)) ?? null;
  }, { timeoutMs: 15_000 });
  // "Remove" opens a confirmation. The list is re-rendered whenever a site's status changes;
  // adding a name for the site re-renders it on purpose: the confirmation must stay open.
  const row = `li.site[data-address="${address}"]`;
  await clickRendered(page, `${row} .act-remove`);
  await run(page, (r) => { document.querySelector(r).dataset.beforeRender = 'yes'; }, row);
  await typeInto(page, '#name-input', 'second');
  await typeInto(page, '#name-target', address);
  await page.click('#name-add');
  const confirmKeptOpen = await waitFor('the list to be re-rendered with the new name', () => run(page, (r) => {
    const item = document.querySelector(r);
    if (!item || item.dataset.beforeRender || !item.querySelector('.site-names').textContent.includes('second')) return null;
    return { open: item.querySelector('.site-confirm').hidden === false };
  }, row), { timeoutMs: 10_000 });
  if (!confirmKeptOpen.open) return { address, published, confirmKeptOpen: false, removed: '', stillListed: true };
  await clickRendered(page, `${row} .act-remove-yes`);
  const removed = await waitFor('the popup to say what removing freed', async () => {
    const text = await run(page, () => document.getElementById('site-message').textContent);
    return /freed|Not found|failed/.test(text) ? text : null;
  }, { timeoutMs: 15_000 });
  const left = await popupAddresses(page);
  return { address, published, confirmKeptOpen: confirmKeptOpen.open, removed, stillListed: left.includes(address) };
}

/**
 * Clicks "Choose…" where no desktop folder dialog exists (this machine has no zenity,
 * kdialog or osascript): the host answers NOT_FOUND and the popup says to type the path.
 * Returns {note} or {skipped: reason} when a dialog program is installed (it would open).
 */
export async function chooseFolder(page) {
  const dialog = ['zenity', 'kdialog', 'osascript'].find((cmd) => (process.env.PATH ?? '').split(':').some((dir) => existsSync(join(dir, cmd))));
  if (dialog) return { skipped: `${dialog} is installed, so a real dialog would open` };
  await page.click('#choose');
  const note = await waitFor('the popup to answer "Choose…"', async () => {
    const [text, disabled] = await run(page, () => [document.getElementById('choose-note').textContent, document.getElementById('choose').disabled]);
    return !disabled && text ? text : null;
  }, { timeoutMs: 15_000, describe: () => 'no note yet' });
  return { note };
}

/**
 * A person's click on "Open it" on the leave page in `page`: once the page's script has enabled
 * it (the button ships disabled, so an early click cannot fall between load and its listener).
 */
export async function clickOpenIt(page) {
  await page.waitForSelector('#go:not([disabled])', { timeout: 10_000 });
  await page.click('#go');
}
