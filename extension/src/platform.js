// The only module that knows whether it runs in Chrome or Firefox. Everything else calls
// these promise-returning functions. MV3 Chrome returns promises from the APIs used here
// when no callback is passed; Firefox's `browser.*` always does.

import { TOP_LEVEL_PATTERNS } from './hosts.js';

const api = globalThis.browser ?? globalThis.chrome;
if (!api?.runtime) {
  throw new Error('platform.js must run inside a browser extension (no chrome/browser global)');
}

/** Firefox has runtime.getBrowserInfo and proxy.onRequest; Chromium has neither. */
export const browserName = typeof api.runtime.getBrowserInfo === 'function' ? 'firefox' : 'chrome';

export const extensionId = api.runtime.id;
const extensionOrigin = api.runtime.getURL('');
export const extensionVersion = api.runtime.getManifest().version;

// ---- storage ----

export async function storageGet(key) {
  const items = await api.storage.local.get(key);
  return items?.[key];
}

export function storageSet(key, value) {
  return api.storage.local.set({ [key]: value });
}

// ---- cookies ----

/** Calls `listener(cookie)` for every cookie the browser adds or changes. */
export function onCookieSet(listener) {
  api.cookies.onChanged.addListener(({ removed, cookie }) => {
    if (!removed) listener(cookie);
  });
}

/** Every cookie for `domain` and its subdomains, in every store (Firefox: any first-party domain). */
export async function cookiesOfDomain(domain) {
  const stores = await api.cookies.getAllCookieStores();
  const extra = browserName === 'firefox' ? { firstPartyDomain: null } : {};
  const lists = await Promise.all(stores.map((store) => api.cookies.getAll({ domain, storeId: store.id, ...extra })));
  return lists.flat();
}

export function removeCookie(details) {
  return api.cookies.remove(details);
}

// ---- lifecycle ----

export function onStartup(listener) {
  api.runtime.onStartup.addListener(listener);
}

export function onInstalled(listener) {
  api.runtime.onInstalled.addListener(listener);
}

// ---- messages between the popup and the background ----

/**
 * Registers `handler(message, sender)`; its return value (or promise) is the reply.
 * Returning undefined means "not for me" and sends no reply. Uses sendResponse, which
 * both browsers support, because Chrome ignores a promise returned from the listener.
 */
export function onMessage(handler) {
  api.runtime.onMessage.addListener((message, sender, sendResponse) => {
    let result;
    try {
      result = handler(message, sender);
    } catch (error) {
      sendResponse({ ok: false, error: { kind: 'internal', message: String(error?.message ?? error) } });
      return false;
    }
    if (result === undefined) return false;
    Promise.resolve(result).then(sendResponse, (error) =>
      sendResponse({ ok: false, error: { kind: 'internal', message: String(error?.message ?? error) } }),
    );
    return true; // keeps the channel open for the asynchronous reply
  });
}

/** True when a runtime message comes from one of this extension's own pages. */
export function isOwnPage(sender) {
  return sender?.id === extensionId && typeof sender.url === 'string' && sender.url.startsWith(extensionOrigin);
}

export function sendMessage(message) {
  return api.runtime.sendMessage(message);
}

// ---- native messaging ----

/**
 * Opens a native port and adapts it to the shape NativeHost expects:
 * post(message), onMessage(fn), onDisconnect(fn(browserErrorMessage)), close().
 */
export function connectNative(name) {
  const port = api.runtime.connectNative(name);
  return {
    post: (message) => port.postMessage(message),
    onMessage: (listener) => port.onMessage.addListener((message) => listener(message)),
    onDisconnect: (listener) =>
      port.onDisconnect.addListener((p) => {
        // Firefox puts the reason on the port; Chrome in runtime.lastError (and reading it
        // there also stops Chrome from logging "Unchecked runtime.lastError").
        const reason = p?.error?.message ?? api.runtime.lastError?.message ?? '';
        listener(reason);
      }),
    close: () => port.disconnect(),
  };
}

// ---- proxy ----

export const proxyStyle = typeof api.proxy?.onRequest?.addListener === 'function' ? 'listener' : 'pac';

/**
 * Chrome's one proxy setting (regular windows). get() resolves to {levelOfControl, value};
 * set(pacData) sets our PAC script and resolves to the levelOfControl afterwards; clear()
 * gives the setting back to whatever it was before us.
 */
export const proxySettings = Object.freeze({
  get: () => api.proxy.settings.get({ incognito: false }),
  async set(data) {
    await api.proxy.settings.set({
      value: { mode: 'pac_script', pacScript: { data, mandatory: true } },
      scope: 'regular',
    });
    const current = await api.proxy.settings.get({ incognito: false });
    return current?.levelOfControl ?? 'unknown';
  },
  clear: () => api.proxy.settings.clear({ scope: 'regular' }),
});

/** Chrome: `listener()` when any extension (or policy) changes the proxy setting. */
export function onProxySettingsChange(listener) {
  api.proxy?.settings?.onChange?.addListener(() => listener());
}

/** Firefox: `handler(details)` returns (a promise of) a ProxyInfo for each matching request. */
export function onProxyRequest(handler, urls) {
  api.proxy.onRequest.addListener(handler, { urls: [...urls] });
  api.proxy.onError?.addListener((error) => console.warn('bitweb: proxy error', error?.message ?? error));
}

// ---- declarativeNetRequest ----

export function updateDynamicRules(removeRuleIds, addRules) {
  return api.declarativeNetRequest.updateDynamicRules({ removeRuleIds: [...removeRuleIds], addRules: [...addRules] });
}

/** Session rules: gone when the browser closes, like the tabs they name. */
export function updateSessionRules(removeRuleIds, addRules) {
  return api.declarativeNetRequest.updateSessionRules({ removeRuleIds: [...removeRuleIds], addRules: [...addRules] });
}

export function getDynamicRules() {
  return api.declarativeNetRequest.getDynamicRules();
}

// ---- the toolbar button ----

export async function setBadge(tabId, { text, color, title }) {
  const tab = Number.isInteger(tabId) ? { tabId } : {};
  await Promise.all([
    api.action.setBadgeText({ ...tab, text }),
    api.action.setBadgeBackgroundColor({ ...tab, color }),
    api.action.setTitle({ ...tab, title }),
  ]);
}

// ---- tabs ----

/** `listener(tabId, changeInfo, tab)`; the tab's url is visible for *.bitweb pages (host permission). */
export function onTabUpdated(listener) {
  api.tabs.onUpdated.addListener(listener);
}

/** `listener({tabId, frameId, url, error})` when a navigation failed (a blocked one included). */
export function onNavigationError(listener) {
  api.webNavigation?.onErrorOccurred?.addListener(listener);
}

/** `listener({sourceTabId, tabId, url})` when a page opens a new tab or window (window.open, target=_blank). */
export function onNewTabFromPage(listener) {
  api.webNavigation?.onCreatedNavigationTarget?.addListener(listener);
}

/** `listener(tab)` when a tab is created; `tab.openerTabId` names the tab whose page opened it. */
export function onTabCreated(listener) {
  api.tabs.onCreated.addListener(listener);
}

/** The id of the tab whose page opened `tabId` (Firefox sets it when it creates the tab), or undefined. */
export async function openerOf(tabId) {
  try {
    return (await api.tabs.get(tabId))?.openerTabId;
  } catch {
    return undefined;
  }
}

/**
 * Firefox only (Chromium MV3 has no blocking webRequest): `handler(details)` for every top-level
 * request, before it leaves; it resolves to a BlockingResponse. Registered at top level, so the
 * event page is woken for it. Sees only hosts the person granted (TOP_LEVEL_PATTERNS,
 * docs/EXTENSION.md); false where the browser has no blocking webRequest.
 */
export function onTopLevelRequest(handler) {
  const event = api.webRequest?.onBeforeRequest;
  if (browserName !== 'firefox' || typeof event?.addListener !== 'function') return false;
  event.addListener(handler, { urls: [...TOP_LEVEL_PATTERNS], types: ['main_frame'] }, ['blocking']);
  return true;
}

export function onTabRemoved(listener) {
  api.tabs.onRemoved.addListener(listener);
}

export function queryTabs(urlPatterns) {
  return api.tabs.query({ url: [...urlPatterns] });
}

export function updateTab(tabId, properties) {
  return api.tabs.update(tabId, properties);
}

/** The active tab of the window this page is in (the sidebar's), or null. */
export async function activeTab() {
  const [tab] = await api.tabs.query({ active: true, currentWindow: true });
  return tab ?? null;
}

/** One tab by id, or null if it is gone. */
export async function getTab(tabId) {
  try {
    return await api.tabs.get(tabId);
  } catch {
    return null;
  }
}

/** `listener({tabId, windowId})` when another tab becomes active. */
export function onTabActivated(listener) {
  api.tabs.onActivated.addListener(listener);
}

/**
 * Opens the comments sidebar of the current window: Firefox's sidebar_action, Chrome's
 * side panel. Both must be called from a user gesture (a click in the popup).
 */
export async function openSidebar(windowId) {
  if (api.sidebarAction?.open) return api.sidebarAction.open();
  if (api.sidePanel?.open) return api.sidePanel.open(Number.isInteger(windowId) ? { windowId } : {});
  throw new Error('this browser has no sidebar for extensions');
}

// ---- long-lived ports between the popup and the background ----

/** Background: `listener(port)` with port.name, post(message), onDisconnect(fn), sender. */
export function onConnect(listener) {
  api.runtime.onConnect.addListener((port) => listener({
    name: port.name,
    sender: port.sender,
    post: (message) => port.postMessage(message),
    onDisconnect: (fn) => port.onDisconnect.addListener(() => fn()),
  }));
}

/** Popup: a port to the background, open while the popup is; `onMessage(fn)` receives what it pushes. */
export function connectToBackground(name) {
  const port = api.runtime.connect({ name });
  return { onMessage: (fn) => port.onMessage.addListener((message) => fn(message)) };
}

// ---- permissions and tabs ----

/** Firefox MV3 treats host permissions as optional until the user grants them. */
export function hasOrigins(origins) {
  return api.permissions.contains({ origins: [...origins] });
}

/** Must run from a user gesture (a click in the popup). */
export function requestOrigins(origins) {
  return api.permissions.request({ origins: [...origins] });
}

export function hasPermission(permission) {
  return api.permissions.contains({ permissions: [permission] });
}

/** Must run from a user gesture. */
export function requestPermission(permission) {
  return api.permissions.request({ permissions: [permission] });
}

export function openTab(url) {
  return api.tabs.create({ url });
}

export function extensionUrl(path) {
  return api.runtime.getURL(path);
}

// ---- WebRTC, browser-wide (optional "privacy" permission) ----

/**
 * The browser-wide WebRTC IP handling policy (Chrome and Firefox): `get()` resolves to
 * {value, levelOfControl}; `set(true)` makes WebRTC use only proxied connections
 * ("disable_non_proxied_udp"), `set(false)` gives the setting back. Needs the "privacy"
 * permission, which the popup requests first.
 */
export const webrtcPolicy = Object.freeze({
  async get() {
    const setting = api.privacy?.network?.webRTCIPHandlingPolicy;
    if (!setting) return null;
    return setting.get({});
  },
  async set(on) {
    const setting = api.privacy?.network?.webRTCIPHandlingPolicy;
    if (!setting) throw new Error('this browser has no WebRTC IP handling setting');
    if (on) await setting.set({ value: 'disable_non_proxied_udp' });
    else await setting.clear({});
    return setting.get({});
  },
});

// ---- network prediction, browser-wide ("privacy" permission) ----

/**
 * `privacy.network.networkPredictionEnabled` (Chrome and Firefox): DNS prefetching,
 * preconnect, prefetch and prerender for every site. A BitWeb page's `<link rel=preconnect>`
 * or `dns-prefetch` would otherwise have the browser connect to (or resolve) a clear-web
 * host, which learns the visitor's address, although the request that follows is blocked.
 * `off()` turns it off and resolves to {value, levelOfControl}; `get()` reads it.
 */
export const networkPrediction = Object.freeze({
  async get() {
    const setting = api.privacy?.network?.networkPredictionEnabled;
    return setting ? setting.get({}) : null;
  },
  async off() {
    const setting = api.privacy?.network?.networkPredictionEnabled;
    if (!setting) throw new Error('this browser has no network prediction setting');
    await setting.set({ value: false });
    return setting.get({});
  },
});
