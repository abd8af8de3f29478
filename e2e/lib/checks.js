// What a person would check on the opened site and in the popup, shared by the browser
// tests. Each waits (bounded) for the page to settle, then returns plain facts for asserts.

import { SITE_HEADING } from './site.js';
import { waitFor } from './wait.js';

/** Facts about the loaded test site in `page`, once its image finished loading. */
export async function siteFacts(page, timeoutMs = 15_000) {
  await page.waitForFunction(
    () => document.readyState === 'complete' && [...document.images].every((img) => img.complete),
    { timeout: timeoutMs, polling: 100 },
  );
  return page.evaluate(() => {
    const h1 = document.querySelector('h1');
    const img = document.querySelector('img#dot');
    return {
      href: location.href,
      origin: location.origin,
      h1: h1 ? h1.textContent.trim() : null,
      h1Color: h1 ? getComputedStyle(h1).color : null,
      img: img ? { src: img.src, complete: img.complete, naturalWidth: img.naturalWidth, naturalHeight: img.naturalHeight } : null,
    };
  });
}

/**
 * Loads `url` in `page` until the site's heading shows up (the gateway may answer before
 * routing is in place or while the site is still being fetched), within `timeoutMs`; resolves
 * to the response of the load that showed it.
 */
export async function openSite(page, url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  const { response } = await waitFor(`${url} to show the site's heading`, async () => {
    const loaded = await page.goto(url, { timeout: Math.max(1_000, deadline - Date.now()), waitUntil: 'load' });
    const h1 = await page.evaluate(() => document.querySelector('h1')?.textContent.trim() ?? null);
    if (h1 !== SITE_HEADING) throw new Error(`HTTP ${loaded?.status()} with heading ${JSON.stringify(h1)}`);
    return { response: loaded };
  }, { timeoutMs, intervalMs: 250 }); // a failed load returns at once (ERR_PROXY_CONNECTION_FAILED): do not spin
  return response;
}

/** The visible text of an extension page once it contains `needle`, within `timeoutMs`. */
export async function waitForText(page, needle, timeoutMs) {
  try {
    await page.waitForFunction((n) => document.body && document.body.innerText.includes(n), { timeout: timeoutMs, polling: 100 }, needle);
  } catch {
    const text = await page.evaluate(() => document.body?.innerText ?? '').catch((e) => `(unreadable: ${e.message})`);
    throw new Error(`${JSON.stringify(needle)} did not appear within ${timeoutMs} ms; the page says:\n${text}`);
  }
  return page.evaluate(() => document.body.innerText);
}
