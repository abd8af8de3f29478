// A BitWeb page opened before BitWeb could answer it. The first link a browser opens (a link
// from another program, a restored tab) is often asked for while the engine is still
// starting: its gateway does not listen yet, so Chromium shows a proxy error, Firefox says the
// proxy refuses connections; and in a profile whose routing is not in place yet, the name goes
// to DNS and is not found. Nothing would ever load that tab again by itself. So such a tab
// is remembered and opened again as soon as the host is connected and routing points at its
// gateway (a few times at most, if it still fails). Firefox's proxy listener can wait instead (whenRouted), and does.
//
// Meanwhile the tab shows starting.html ("Starting BitWeb…") instead of the browser's error
// page. Pure bookkeeping: the background tells it what happened and gives it
// `reopen(tabId, url)` and `hold(tabId, url)`.

import { isBitwebPageHost } from './hosts.js';

/**
 * The errors of a request that never reached a gateway: Chromium's net:: names and Firefox's
 * NS_ERROR names. Not among them: a navigation our rules blocked, one the person stopped,
 * an answer the gateway gave (those are pages, not errors).
 */
const UNREACHED = new Set([
  'net::ERR_PROXY_CONNECTION_FAILED',
  'net::ERR_TUNNEL_CONNECTION_FAILED',
  'net::ERR_CONNECTION_REFUSED',
  'net::ERR_CONNECTION_RESET',
  'net::ERR_CONNECTION_CLOSED',
  'net::ERR_EMPTY_RESPONSE',
  'net::ERR_NAME_NOT_RESOLVED',
  'net::ERR_NAME_RESOLUTION_FAILED',
  'NS_ERROR_PROXY_CONNECTION_REFUSED',
  'NS_ERROR_CONNECTION_REFUSED',
  'NS_ERROR_NET_RESET',
  'NS_ERROR_NET_INTERRUPT',
  'NS_ERROR_UNKNOWN_HOST',
  'NS_ERROR_UNKNOWN_PROXY_HOST',
]);

/** True when a failed navigation to `url` with `error` is one a started engine would have answered. */
export function isUnreachedBitwebPage(url, error) {
  if (!UNREACHED.has(String(error))) return false;
  try {
    const { protocol, hostname } = new URL(url);
    return (protocol === 'http:' || protocol === 'https:') && isBitwebPageHost(hostname);
  } catch {
    return false;
  }
}

/**
 * Tries per tab and host connection. A page opened again right after routing may still fail:
 * Chromium applies a new proxy setting a moment after `proxy.settings.set` resolves (seen in
 * bench/run.sh browser). Later tries wait a little longer each; then the error page stays.
 */
export const TRIES = 3;
const RETRY_DELAY_MS = 250;

export class StartingVisits {
  #reopen;
  #hold;
  #routed = false;
  #waiting = new Map(); // tabId -> url, to open once routed
  #tries = new Map(); // tabId -> times opened again since the host last connected
  #whenRouted = [];
  #gaveUp = false; // the host's last try failed: nothing to wait for until it tries again

  /**
   * @param {{reopen: (tabId: number, url: string) => Promise<unknown>,
   *          hold?: (tabId: number, url: string) => Promise<unknown>}} options
   *   reopen opens the page in the tab; hold shows the tab that it waits for BitWeb
   */
  constructor({ reopen, hold = async () => {} }) {
    this.#reopen = reopen;
    this.#hold = hold;
  }

  /** webNavigation.onErrorOccurred of a top-level navigation. */
  failed({ tabId, frameId, url, error }) {
    if (frameId !== 0 || !Number.isInteger(tabId) || tabId < 0 || !isUnreachedBitwebPage(url, error)) return;
    const tries = this.#tries.get(tabId) ?? 0;
    if (tries >= TRIES) return; // it keeps failing with routing in place: leave it to the person
    this.#waiting.set(tabId, url);
    if (!this.#routed) {
      this.#hold(tabId, url).catch((error) => console.warn(`bitweb: could not show that tab ${tabId} waits for BitWeb`, error));
      return;
    }
    // Routed already: the request left before routing pointed at the gateway (the error comes
    // after the answer that routed us), the new route was not in effect yet, or the engine
    // stopped since; another try, a little later each time.
    const delay = tries === 0 ? 0 : RETRY_DELAY_MS * 2 ** (tries - 1);
    setTimeout(() => { if (this.#routed) this.#flush(); }, delay);
  }

  /** The tab went elsewhere (another address, closed): it no longer waits for the site. */
  moved(tabId, url) {
    if (url === undefined || this.#waiting.get(tabId) !== url) this.#waiting.delete(tabId);
  }

  closed(tabId) {
    this.#waiting.delete(tabId);
    this.#tries.delete(tabId);
  }

  /** The host answered hello and routing points at its gateway: reopen what waited. */
  routed() {
    this.#routed = true;
    this.#gaveUp = false;
    for (const resolve of this.#whenRouted.splice(0)) resolve(true);
    this.#flush();
  }

  /** The host is gone or connecting again: what fails now waits for the next connection. */
  unrouted() {
    this.#routed = false;
    this.#gaveUp = false;
    this.#tries.clear();
  }

  /**
   * The host's try failed (not installed, incompatible, the engine would not start): nothing
   * waits for it, so the error page and the popup say what to do at once, until it tries again
   * (unrouted()).
   */
  givenUp() {
    this.#gaveUp = true;
    for (const resolve of this.#whenRouted.splice(0)) resolve(false);
  }

  /**
   * Resolves to true once routed, at once if already; to false after `timeoutMs`, when the host
   * gives up, or at once if its last try failed.
   */
  whenRouted(timeoutMs) {
    if (this.#routed) return Promise.resolve(true);
    if (this.#gaveUp) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#whenRouted = this.#whenRouted.filter((r) => r !== done);
        resolve(false);
      }, timeoutMs);
      const done = (value) => {
        clearTimeout(timer);
        resolve(value);
      };
      this.#whenRouted.push(done);
    });
  }

  /** The tabs waiting now (for tests and the state the popup could show). */
  get waiting() {
    return new Map(this.#waiting);
  }

  #flush() {
    for (const [tabId, url] of this.#waiting) {
      this.#waiting.delete(tabId);
      this.#tries.set(tabId, (this.#tries.get(tabId) ?? 0) + 1);
      this.#reopen(tabId, url).catch((error) => console.warn(`bitweb: could not open ${url} again in tab ${tabId}`, error));
    }
  }
}
