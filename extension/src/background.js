// Background: Chrome's service worker, Firefox's event page. Either can be unloaded at any
// time and started again for an event, so every listener is registered synchronously
// below, before anything is awaited, and all state can be rebuilt from storage and the host.
//
// It owns the one connection to the native host, routing (routing.js), the dynamic
// declarativeNetRequest rules (subdomain form, gateway probe, pet names; the isolation
// rules are a static ruleset), the toolbar badge of BitWeb tabs, and it answers the popup,
// the open/leave pages and the link content script.

import * as platform from './platform.js';
import { RULE_IDS, STORAGE } from './constants.js';
import { PAGE_PATTERNS, SITE_PATTERNS, isBitwebPageHost } from './hosts.js';
import { ErrorCode } from './error-codes.js';
import { NativeHost } from './native.js';
import { Router } from './routing.js';
import { cleanPetNames, normalizePetName, petNameRules, petNameTarget } from './petnames.js';
import { labelOfPage, parseSiteLink } from './links.js';
import { bitwebTabsRule, topLevelVerdict } from './isolation.js';
import { badgeFor } from './badge.js';
import { SWEEP_DOMAINS, isSharedBitwebCookie, removalOf } from './cookies.js';
import { StartingVisits } from './starting-visits.js';

const host = new NativeHost({
  connect: platform.connectNative,
  client: `bitweb-extension/${platform.extensionVersion}`,
});

const router = new Router({
  style: platform.proxyStyle,
  proxy: platform.proxyStyle === 'pac' ? platform.proxySettings : undefined,
  updateRules: platform.updateDynamicRules,
  get: platform.storageGet,
  set: platform.storageSet,
});

/** What the popup needs besides the host's replies; lost when the worker is unloaded. */
const memory = {
  features: { folderPick: null }, // null: not known yet; false: the host has no folder.pick
  publishing: null, // {path, done, total, startedAt}
  lastPublish: null, // {path, ok, site?, error?, at}
};
const popupPorts = new Set();
const tabSites = new Map(); // tabId -> {label, loading}
const siteCache = new Map(); // label -> Site (from site.info and site.update)
// The session rule that holds tabs showing a BitWeb page (isolation.js bitwebTabsRule): held
// are the tabs in tabSites and those a held tab's page opened (openedByBitweb).
const openedByBitweb = new Set();
const letGo = new Map(); // tabId -> when it last stopped showing a BitWeb page
// Firefox: tabs whose first top-level request the webRequest listener has seen (or that were
// let go), and the opener of each new tab as tabs.onCreated reported it (topLevelVerdict).
const decidedTabs = new Set();
const openers = new Map(); // tabId -> openerTabId
// BitWeb pages asked for before the host answered (the engine starting): opened again once
// routed (starting-visits.js). Firefox's proxy listener waits for routing up to this long.
const STARTING_PAGE = platform.extensionUrl('src/starting.html');
const startingVisits = new StartingVisits({
  reopen: (tabId, url) => platform.updateTab(tabId, { url }),
  hold: (tabId, url) => platform.updateTab(tabId, { url: `${STARTING_PAGE}#${encodeURIComponent(url)}` }),
});
const PROXY_WAIT_MS = 20_000;
let tabRuleQueue = Promise.resolve();
let tabRuleIds = ''; // the tab ids the rule names now

// ---- listeners, all at top level ----

if (platform.proxyStyle === 'listener') {
  // Firefox: a listener added during the first run of the script is persisted, so the
  // event page is woken for *.bitweb requests after it was unloaded.
  // A request made while the host connects (the engine starting: its gateway not listening
  // yet) waits for it, so the first page a browser opens loads instead of failing (not after
  // the host's last try failed: starting-visits.js).
  platform.onProxyRequest(async (details) => {
    await startingVisits.whenRouted(PROXY_WAIT_MS);
    return router.proxyInfo(details);
  }, SITE_PATTERNS);
} else {
  platform.onProxySettingsChange(() => {
    router.refresh().catch((error) => console.warn('bitweb: routing refresh failed', error));
  });
}

platform.onMessage(handleMessage);
platform.onConnect(handlePort);
platform.onStartup(start);
platform.onInstalled(start);
platform.onTabUpdated(tabUpdated);
platform.onNavigationError(navigationFailed);
platform.onNewTabFromPage(newTabFromPage);
platform.onTabCreated(({ id, openerTabId } = {}) => {
  if (Number.isInteger(id) && Number.isInteger(openerTabId)) openers.set(id, openerTabId);
});
platform.onTopLevelRequest(topLevelRequest);
platform.onTabRemoved((tabId) => {
  startingVisits.closed(tabId);
  tabSites.delete(tabId);
  openedByBitweb.delete(tabId);
  letGo.delete(tabId);
  decidedTabs.delete(tabId);
  openers.delete(tabId);
  syncTabRule();
});
platform.onCookieSet((cookie) => {
  if (isSharedBitwebCookie(cookie)) removeSharedCookie(cookie);
});

/**
 * Routes to the gateway `info` names, then opens the pages held while the engine started,
 * if the host is still in `state` (a disconnect meanwhile keeps them held).
 */
function routeThenOpenHeld(info, state) {
  router.useGateway(info)
    .catch((error) => console.warn('bitweb: routing failed', error))
    .finally(() => { if (host.snapshot.state === state) startingVisits.routed(); });
}

host.onState((snapshot) => {
  if (snapshot.state === 'connected') {
    routeThenOpenHeld(snapshot.info, 'connected');
  } else {
    startingVisits.unrouted();
    if (snapshot.state === 'error') startingVisits.givenUp();
    if (snapshot.error) console.warn(`bitweb: host ${snapshot.state}: ${snapshot.error.message}`);
  }
  broadcast({ event: 'connection', data: snapshot });
});

host.onEvent(({ event, data }) => {
  if (event === 'engine.starting') {
    // The engine the host is starting listens on its gateway's port (it is up ~0.8 s later):
    // a page held while it starts is asked for again now and waits there for it, instead of
    // waiting for the hello's answer first (docs/EXTENSION.md, "A page asked for while the
    // engine starts"). Routing goes where the hello will say; Firefox's held requests go too.
    routeThenOpenHeld(data, 'connecting');
    return;
  }
  if (event === 'comments.changed' && typeof data?.site === 'string') {
    refreshCounts(data.site);
  }
  if (event === 'site.update' && typeof data?.address === 'string') {
    siteCache.set(data.address, data);
    for (const [tabId, entry] of tabSites) if (entry.label === data.address) paintBadge(tabId);
  } else if (event === 'publish.progress' && memory.publishing) {
    memory.publishing = { ...memory.publishing, done: data?.done, total: data?.total };
  }
  broadcast({ event, data });
});

let started = null;
let tabsKnown = null; // the BitWeb tabs that were open when this background started, once read
start();

// ---- startup ----

/** Idempotent: route with the saved port, restore pet names and badges, connect to the host. */
function start() {
  router.ready().catch((error) => console.warn('bitweb: could not restore routing', error));
  // Always, not only while a BitWeb tab is open: a page's hints are acted on while it is
  // parsed, before the background could learn of the tab (docs/PRIVACY.md).
  platform.networkPrediction.off().catch((error) => console.warn('bitweb: could not turn network prediction off', error));
  tabsKnown ??= rememberOpenTabs().catch(() => {});
  started ??= Promise.all([
    applyPetNames().catch((error) => console.warn('bitweb: could not restore pet names', error)),
    tabsKnown.then(() => syncTabRule()),
    sweepSharedCookies().catch((error) => console.warn('bitweb: could not sweep shared cookies', error)),
  ]);
  host.connect().catch(() => {}); // the state listener and the popup report failures
  return started;
}

// ---- cookies: each site keeps its own (cookies.js) ----

function removeSharedCookie(cookie) {
  platform.removeCookie(removalOf(cookie))
    .catch((error) => console.warn(`bitweb: could not remove the shared cookie ${cookie.name} of ${cookie.domain}`, error));
}

/** The shared cookies set while the background was not running (or before an update). */
async function sweepSharedCookies() {
  for (const domain of SWEEP_DOMAINS) {
    for (const cookie of await platform.cookiesOfDomain(domain)) {
      if (isSharedBitwebCookie(cookie)) removeSharedCookie(cookie);
    }
  }
}

// ---- popup and page messages ----

function handleMessage(message, sender) {
  if (platform.isOwnPage(sender)) return ownPageMessage(message, sender);
  if (isBitwebContentScript(sender)) return contentScriptMessage(message, sender);
  return undefined; // anything else is not ours to answer
}

function isBitwebContentScript(sender) {
  if (sender?.id !== platform.extensionId || !sender.tab || typeof sender.url !== 'string') return false;
  try {
    return isBitwebPageHost(new URL(sender.url).hostname);
  } catch {
    return false;
  }
}

function ownPageMessage(message, sender) {
  const params = message ?? {};
  switch (params.type) {
    case 'state':
      return reply(state);
    case 'site.seed':
    case 'site.unseed':
      return reply(async () => {
        const site = await host.request(params.type, { address: String(params.address ?? '') });
        if (site?.address) siteCache.set(site.address, site);
        return { site };
      });
    case 'site.remove':
      return reply(async () => {
        const data = await host.request('site.remove', { address: String(params.address ?? '') });
        siteCache.delete(String(params.address ?? ''));
        return { freed: data?.freed ?? null };
      });
    case 'publish':
      return reply(() => publish(String(params.path ?? ''), {
        key: typeof params.key === 'string' && params.key ? params.key : undefined,
        salt: typeof params.salt === 'string' && params.salt ? params.salt : undefined,
      }));
    case 'folder.pick':
      return reply(pickFolder);
    case 'settings.set':
      return reply(async () => {
        const patch = {};
        if ('keepSeeding' in params) patch.keepSeeding = params.keepSeeding;
        if ('storageLimitBytes' in params) patch.storageLimitBytes = params.storageLimitBytes;
        if ('storageLimitAuto' in params) patch.storageLimitAuto = params.storageLimitAuto;
        if ('lanDiscovery' in params) patch.lanDiscovery = params.lanDiscovery;
        if ('oldVersionGraceHours' in params) patch.oldVersionGraceHours = params.oldVersionGraceHours;
        if ('ratePreset' in params) patch.ratePreset = params.ratePreset;
        if ('rateLimits' in params) patch.rateLimits = params.rateLimits;
        return { settings: await host.request('settings.set', patch) };
      });
    case 'petnames.set':
      // the name as stored ("http://Alice.bitweb/" -> "alice"), for the popup to say
      return local(async () => ({ petNames: await setPetName(params.name, params.target), name: normalizePetName(params.name) }));
    case 'petnames.remove':
      return local(async () => ({ petNames: await removePetName(params.name) }));
    case 'routing.set':
      return local(async () => ({ routing: await router.setPreference(params.preference) }));
    case 'open-link':
      return local(async () => ({ url: await openLink(params.link, null) }));
    case 'comments.list':
    case 'comments.post':
    case 'comments.moderate':
    case 'comments.mute':
    case 'identity.get':
    case 'identity.set':
    case 'identity.export':
    case 'identity.import':
      return reply(() => comments(params));
    case 'leave.go':
      return local(async () => ({ url: await leaveGo(params.url, sender) }));
    case 'comments.open':
      // a bitweb link clicked in the sidebar opens in the tab the sidebar follows
      return local(async () => ({ url: await openLink(params.url, Number.isInteger(params.tabId) ? params.tabId : null) }));
    default:
      return { ok: false, error: { kind: 'bad-request', message: `unknown message type ${JSON.stringify(params.type)}` } };
  }
}

function contentScriptMessage(message, sender) {
  switch (message?.type) {
    case 'open-link':
      return local(async () => ({ url: await openLink(message.link, sender.tab.id, Boolean(message.newTab), sender.url ?? sender.tab.url) }));
    case 'leave':
      return local(async () => ({ url: await leave(message.url, sender.tab.id, Boolean(message.newTab)) }));
    default:
      return undefined;
  }
}

const listOf = (value) => (Array.isArray(value) ? value : []);

/** Runs `work` (which needs the host) and wraps its result with what the popup needs to explain the state. */
async function reply(work) {
  start();
  await router.ready().catch(() => {});
  try {
    return { ok: true, ...(await work()), ...context() };
  } catch (error) {
    return { ok: false, error: errorData(error), ...context() };
  }
}

/** Like reply(), for work that does not need the host (pet names, routing, links). */
async function local(work) {
  start();
  await router.ready().catch(() => {});
  try {
    return { ok: true, ...(await work()), routing: router.status };
  } catch (error) {
    return { ok: false, error: errorData(error), routing: router.status };
  }
}

function errorData(error) {
  if (typeof error?.toJSON === 'function') return error.toJSON();
  const kind = error instanceof RangeError ? 'invalid' : 'internal';
  return { kind, message: String(error?.message ?? error) };
}

function context() {
  return {
    connection: host.snapshot,
    routing: router.status,
    browser: platform.browserName,
    features: memory.features,
    publishing: memory.publishing,
    lastPublish: memory.lastPublish,
  };
}

async function state() {
  const [list, petNames] = await Promise.all([host.request('sites.list'), readPetNames()]);
  let settings = null;
  let settingsError = null;
  try {
    settings = await host.request('settings.get');
  } catch (error) {
    settingsError = errorData(error);
  }
  // the always-on service and reachability (an older host does not know the action: no section then)
  const availability = await host.request('service.status').catch(() => null);
  const sites = listOf(list?.sites);
  for (const site of sites) if (typeof site?.address === 'string') siteCache.set(site.address, site);
  const draft = await platform.storageGet(STORAGE.publishDraft).catch(() => undefined);
  return { sites, settings, settingsError, petNames, draft: draft ?? null, availability };
}

// ---- publishing ----

/** `key` (and `salt`) make the folder the new version of that key's site (docs/UPDATES.md). */
async function publish(path, { key, salt } = {}) {
  if (!path.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(path)) {
    throw new RangeError('Enter the absolute path of a folder, e.g. /home/me/my-site.');
  }
  if (memory.publishing) throw new RangeError(`Already publishing ${memory.publishing.path}; wait for it to finish.`);
  memory.publishing = { path, done: 0, total: null, startedAt: Date.now() };
  broadcast({ event: 'publish.state', data: memory.publishing });
  try {
    // Hashing a large folder takes as long as it takes; progress events show it moving.
    const request = { path };
    if (key) request.key = key;
    if (key && salt) request.salt = salt;
    const site = await host.request('site.publish', request, { timeoutMs: 6 * 60 * 60 * 1000 });
    if (site?.address) siteCache.set(site.address, site);
    memory.lastPublish = { path, ok: true, site, at: Date.now() };
    await platform.storageSet(STORAGE.publishDraft, null).catch(() => {});
    return { site };
  } catch (error) {
    memory.lastPublish = { path, ok: false, error: errorData(error), at: Date.now() };
    throw error;
  } finally {
    memory.publishing = null;
    broadcast({ event: 'publish.state', data: null, last: memory.lastPublish });
  }
}

/**
 * Asks the host to show the desktop's folder dialog. The popup usually closes when the
 * dialog takes the focus, so the chosen path is also saved as a draft the popup shows
 * when it is opened again.
 */
async function pickFolder() {
  try {
    const data = await host.request('folder.pick', {}, { timeoutMs: 15 * 60 * 1000 });
    if (typeof data?.path === 'string' && data.path) {
      await platform.storageSet(STORAGE.publishDraft, { path: data.path, at: Date.now() }).catch(() => {});
    }
    memory.features.folderPick = true;
    return { path: data?.path ?? null, cancelled: Boolean(data?.cancelled) || !data?.path };
  } catch (error) {
    if (error?.code === ErrorCode.UNKNOWN_ACTION) memory.features.folderPick = false;
    throw error;
  }
}

// ---- pet names ----

async function readPetNames() {
  return cleanPetNames(await platform.storageGet(STORAGE.petNames).catch(() => ({})));
}

async function applyPetNames(map) {
  const names = map ?? (await readPetNames());
  const existing = await platform.getDynamicRules();
  const remove = existing.map((rule) => rule.id).filter((id) => id >= RULE_IDS.petNamesFirst);
  await platform.updateDynamicRules(remove, petNameRules(names));
}

async function setPetName(nameInput, targetInput) {
  const name = normalizePetName(nameInput);
  const label = petNameTarget(targetInput);
  const names = { ...(await readPetNames()), [name]: label };
  await applyPetNames(names); // first the rules, so a stored name always works
  await platform.storageSet(STORAGE.petNames, names);
  return names;
}

async function removePetName(nameInput) {
  const name = normalizePetName(nameInput);
  const names = await readPetNames();
  delete names[name];
  await applyPetNames(names);
  await platform.storageSet(STORAGE.petNames, names);
  return names;
}

// ---- comments (the sidebar; docs/COMMENTS.md) ----

const text = (value) => (typeof value === 'string' ? value : undefined);

/** Passes one sidebar request on to the host, with only the fields each action takes. */
async function comments(params) {
  switch (params.type) {
    case 'comments.list': {
      const wait = Number.isInteger(params.wait) ? Math.max(0, Math.min(10_000, params.wait)) : 0;
      const listing = await host.request('comments.list', {
        url: text(params.url), page: Number.isInteger(params.page) ? params.page : 0,
        pageSize: Number.isInteger(params.pageSize) ? params.pageSize : 50, refresh: params.refresh === true, wait,
      }, { timeoutMs: wait + 15_000 });
      return { listing };
    }
    case 'comments.post': {
      // about a second of proof of work, longer on a slow or busy machine
      const posted = await host.request('comments.post', { url: text(params.url), body: text(params.body), replyTo: text(params.replyTo) },
        { timeoutMs: 5 * 60 * 1000 });
      refreshCounts();
      return { posted };
    }
    case 'comments.moderate':
      return { moderation: await host.request('comments.moderate', { url: text(params.url), change: text(params.action), record: text(params.id), author: text(params.author) }) };
    case 'comments.mute':
      return { mute: await host.request('comments.mute', { author: text(params.author), record: text(params.id), muted: params.muted !== false }) };
    case 'identity.get':
      return { identity: await host.request('identity.get', {}) };
    case 'identity.set': {
      const patch = {};
      if (typeof params.name === 'string') patch.name = params.name;
      if (typeof params.perSite === 'boolean') patch.perSite = params.perSite;
      return { identity: await host.request('identity.set', patch) };
    }
    case 'identity.export':
      return { text: (await host.request('identity.export', {}))?.text ?? '' };
    case 'identity.import':
      return { identity: await host.request('identity.import', { text: text(params.text), replace: params.replace === true }) };
    default:
      throw new RangeError(`unknown comments request ${params.type}`);
  }
}

/** The comment counts on the badges of BitWeb tabs, asked again (after a post or news from the host). */
function refreshCounts(site = null) {
  for (const [tabId, entry] of tabSites) {
    if (!site || entry.label === site) paintBadge(tabId, { count: true });
  }
}

// ---- links: magnet:, web+bitweb:, and leaving BitWeb ----

/**
 * Opens the site a link names, in `tabId` (or a new tab when null/newTab). A magnet link's
 * peer hints go to the engine first (site.fetch), so it knows whom to ask; `fromPage` is the
 * page that carried the link: the engine dials its LAN hints only if that site came from there.
 */
async function openLink(link, tabId, newTab = false, fromPage = null) {
  const parsed = parseSiteLink(link);
  if (!parsed) throw new RangeError(`${JSON.stringify(String(link).slice(0, 200))} is not a BitWeb link.`);
  if (parsed.magnet && parsed.peers.length) {
    const from = labelOfPage(fromPage);
    // best effort: the page load asks too
    host.request('site.fetch', { url: parsed.magnet, ...(from ? { from } : {}) }).catch(() => {});
  }
  await router.ready(); // the address form (and Firefox's detour rule) are in place
  const url = router.pageUrl(parsed.label, parsed.path);
  if (tabId === null) return url; // the open page navigates itself
  if (newTab) await platform.openTab(url);
  else await platform.updateTab(tabId, { url });
  return url;
}

/** A person clicked a link out of BitWeb: show the "leave BitWeb?" page instead of going. */
async function leave(target, tabId, newTab) {
  let url;
  try {
    url = new URL(String(target));
  } catch {
    throw new RangeError('not a URL');
  }
  if (!/^https?:$/.test(url.protocol) || isBitwebPageHost(url.hostname)) throw new RangeError('not a link out of BitWeb');
  const page = `${platform.extensionUrl('src/leave.html')}#${encodeURIComponent(url.href)}`;
  if (newTab) await platform.openTab(page);
  else await platform.updateTab(tabId, { url: page });
  return page;
}

/**
 * "Open it" on the leave page: the leave page, now the tab's document (the BitWeb page is
 * gone), asks that its tab may leave; the tab rule is lifted for it before it navigates.
 */
async function leaveGo(target, sender) {
  const tabId = sender?.tab?.id;
  if (!Number.isInteger(tabId) || !String(sender.url).startsWith(platform.extensionUrl('src/leave.html'))) {
    throw new RangeError('only the leave page, in its tab, may leave');
  }
  const url = new URL(String(target));
  if (!/^https?:$/.test(url.protocol) || isBitwebPageHost(url.hostname)) throw new RangeError('not a link out of BitWeb');
  tabSites.delete(tabId);
  openedByBitweb.delete(tabId);
  decidedTabs.add(tabId); // its opener no longer holds it either
  await syncTabRule();
  return url.href;
}

// ---- tabs that show BitWeb pages: the session rule, and the toolbar badge ----

/**
 * A navigation of a held tab out of BitWeb failed: the tab rule blocked it. Whether the
 * person typed it, went back, or a sandboxed frame tried it cannot be told apart (neither
 * has an initiator a rule can see), so the tab shows the leave page for that address: the
 * BitWeb page is gone from the tab, and going on takes the person's click. Without this,
 * Firefox leaves the tab on the BitWeb page and the person could never leave it by typing.
 */
function navigationFailed(details) {
  if (details?.frameId !== 0 || typeof details.url !== 'string') return;
  startingVisits.failed(details);
  // Chromium commits an error page first, and that already let the tab go (tabUpdated);
  // Firefox leaves the BitWeb page in the tab, which holds it still.
  const justLet = Date.now() - (letGo.get(details.tabId) ?? -Infinity) < 10_000 && /BLOCKED_BY_CLIENT/.test(String(details.error));
  if (!tabSites.has(details.tabId) && !openedByBitweb.has(details.tabId) && !justLet) return;
  let url;
  try {
    url = new URL(details.url);
  } catch {
    return;
  }
  if (!/^https?:$/.test(url.protocol) || isBitwebPageHost(url.hostname)) return;
  leave(url.href, details.tabId, false).catch((error) => console.warn('bitweb: could not show the leave page', error));
}

/**
 * A tab a held tab's page opened is held too, until it shows a BitWeb page of its own (then
 * it is held as such) or is closed. Best effort: the browser tells us after it created the
 * tab, and its first request may already have left (docs/EXTENSION.md).
 */
function newTabFromPage({ sourceTabId, tabId } = {}) {
  if (!Number.isInteger(tabId) || !(tabSites.has(sourceTabId) || openedByBitweb.has(sourceTabId))) return;
  openedByBitweb.add(tabId);
  syncTabRule();
}

const isHeld = (tabId) => tabSites.has(tabId) || openedByBitweb.has(tabId);

/**
 * Firefox: the first top-level request of a tab a held tab's page opened (a sandboxed frame's
 * popup among them) is decided here, before it leaves, instead of after
 * onCreatedNavigationTarget, which may come too late. Firefox waits for this promise; the
 * opener is known from tabs.onCreated, or asked of the tab (only while a BitWeb tab is open);
 * each tab's first request only, the tab rule holds the rest.
 */
async function topLevelRequest(details) {
  const { tabId } = details ?? {};
  if (!Number.isInteger(tabId) || tabId < 0 || decidedTabs.has(tabId)) return {};
  await tabsKnown; // a background woken by this request first learns the open BitWeb tabs
  if (decidedTabs.has(tabId)) return {};
  const anyHeld = tabSites.size > 0 || openedByBitweb.size > 0;
  const opener = openers.get(tabId) ?? (anyHeld ? await platform.openerOf(tabId) : undefined);
  const verdict = topLevelVerdict(details, { decided: decidedTabs.has(tabId), openerHeld: Number.isInteger(opener) && isHeld(opener) });
  decidedTabs.add(tabId);
  openers.delete(tabId);
  if (verdict === 'pass') return {};
  openedByBitweb.add(tabId); // held like a tab onCreatedNavigationTarget reported
  await syncTabRule(); // held by the rule too before anything else it asks for leaves
  // A cancelled request fails with NS_ERROR_ABORT: navigationFailed shows the leave page for it.
  return verdict === 'cancel' ? { cancel: true } : {};
}

/**
 * Brings the session rule in step with the tabs; one update at a time, skipped when unchanged.
 * Not before the open tabs are known: a background started again (the session rule outlives
 * it) must not shrink the rule to the one tab whose event woke it.
 */
function syncTabRule() {
  const run = tabRuleQueue.then(() => tabsKnown).then(async () => {
    const ids = [...new Set([...tabSites.keys(), ...openedByBitweb])].sort((a, b) => a - b);
    if (ids.join() === tabRuleIds) return;
    const rule = bitwebTabsRule(ids);
    await platform.updateSessionRules([RULE_IDS.bitwebTabs], rule ? [rule] : []);
    tabRuleIds = ids.join();
  });
  tabRuleQueue = run.catch((error) => console.warn('bitweb: could not update the BitWeb tabs rule', error));
  return tabRuleQueue;
}

function tabUpdated(tabId, change, tab) {
  if ('url' in change && !String(change.url).startsWith(STARTING_PAGE)) startingVisits.moved(tabId, change.url);
  if (!('url' in change) && !('status' in change)) return;
  const label = labelOfPage(change.url ?? tab?.url);
  if (!label) {
    // Another document, not BitWeb's (an error page of a blocked navigation, the leave page,
    // or one the person chose): nothing of the BitWeb page is left in the tab to hold it.
    if (tabSites.delete(tabId)) {
      letGo.set(tabId, Date.now());
      platform.setBadge(tabId, badgeFor(null)).catch(() => {});
    }
    syncTabRule();
    return;
  }
  openedByBitweb.delete(tabId); // held as a BitWeb tab from now on
  const previous = tabSites.get(tabId);
  const url = change.url ?? tab?.url ?? previous?.url;
  tabSites.set(tabId, { label, url, loading: (change.status ?? tab?.status) === 'loading', comments: previous?.url === url ? previous.comments : 0 });
  // Ask the host when the tab came to another site, or a page finished loading; between those,
  // site.update events keep the cache fresh (a navigation fires several of these changes).
  const complete = change.status === 'complete';
  syncTabRule();
  paintBadge(tabId, { ask: previous?.label !== label || !siteCache.has(label) || complete, count: complete });
}

async function rememberOpenTabs() {
  for (const tab of await platform.queryTabs(PAGE_PATTERNS)) {
    const label = labelOfPage(tab.url);
    if (label && Number.isInteger(tab.id)) {
      tabSites.set(tab.id, { label, url: tab.url, loading: tab.status === 'loading', comments: 0 });
      paintBadge(tab.id, { ask: true, count: true });
    }
  }
}

async function paintBadge(tabId, { ask = false, count = false } = {}) {
  const entry = tabSites.get(tabId);
  if (!entry) return;
  if (count && entry.url) countComments(tabId, entry); // painted again when the count is in
  let site = siteCache.get(entry.label) ?? null;
  if (ask || !site) {
    try {
      site = await host.request('site.info', { address: entry.label });
      siteCache.set(entry.label, site);
    } catch (error) {
      if (error?.code === ErrorCode.NOT_FOUND) siteCache.delete(entry.label);
      site = error?.code === ErrorCode.NOT_FOUND ? null : site;
    }
  }
  if (tabSites.get(tabId) !== entry && tabSites.get(tabId)?.label !== entry.label) return; // moved on meanwhile
  await platform.setBadge(tabId, badgeFor(site, { loading: tabSites.get(tabId)?.loading ?? false, comments: entry.comments ?? 0 }))
    .catch(() => {});
}

/** The page's comments this engine holds (counted by the engine, the swarm is not asked), then the badge again. */
async function countComments(tabId, entry) {
  let comments = 0;
  try {
    comments = (await host.request('comments.count', { url: entry.url }))?.count ?? 0;
  } catch {
    comments = 0; // an older host, or not a page: no count
  }
  if (tabSites.get(tabId) !== entry || entry.comments === comments) return;
  entry.comments = comments;
  paintBadge(tabId);
}

// ---- pushing events to open popups ----

function handlePort(port) {
  if ((port.name !== 'popup' && port.name !== 'sidebar') || !platform.isOwnPage(port.sender)) return;
  popupPorts.add(port);
  port.onDisconnect(() => popupPorts.delete(port));
  port.post({ event: 'hello', data: context() });
}

function broadcast(message) {
  for (const port of popupPorts) {
    try {
      port.post(message);
    } catch {
      popupPorts.delete(port);
    }
  }
}
