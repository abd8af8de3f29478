// A fake `chrome` (or, with `firefox: true`, what Firefox adds: runtime.getBrowserInfo, a
// blocking webRequest and proxy.onRequest) with a native host that answers like the real one, and the background
// loaded on it. Shared by background.test.js and background-firefox.test.js; platform.js
// decides which browser it runs in once per process, so each browser has a test file of its own.

import assert from 'node:assert/strict';

export const ID = 'hamnkdlcefdoflgalckkjobapigpdeio';
export const ORIGIN = `chrome-extension://${ID}/`;
export const HEX = '0123456789abcdef0123456789abcdef01234567';
export const SITE = { address: HEX, url: `http://${HEX}.bitweb/`, name: 'blog', size: 10, files: 1, peers: 2, seeding: true, published: true, uploaded: 0, downloaded: 0, progress: 1 };

export const event = () => {
  const listeners = [];
  return { addListener: (fn) => listeners.push(fn), listeners, fire: (...args) => listeners.map((fn) => fn(...args)) };
};

/** A fake Chrome with a native host that answers like the real one. */
export function fakeChrome({ stored = {}, hostAnswers = {}, proxyValue = { mode: 'direct' }, cookieJar = [], firefox = false } = {}) {
  const storage = structuredClone(stored);
  const jar = { cookies: [...cookieJar], removed: [] };
  const host = { requests: [], ports: [] };
  const answers = {
    hello: () => ({ protocol: 4, version: '0.2.0', gateway: 'http://127.0.0.1:48100', gatewayPort: 48100, peerPort: 1 }),
    'sites.list': () => ({ sites: [SITE] }),
    'settings.get': () => ({ keepSeeding: false, storageLimitBytes: 0, oldVersionGraceHours: 24 }),
    'site.info': (m) => (m.address === HEX ? SITE : { error: { code: 6, message: 'unknown site' } }),
    'site.fetch': () => ({ ready: false }),
    'service.status': () => ({ service: { kind: 'NOT_INSTALLED', fix: 'bitweb service install' }, reachability: { state: 'unknown' } }),
    ...hostAnswers,
  };
  const dynamicRules = new Map();
  const sessionRules = Object.assign(new Map(), { history: [] });
  const prediction = { value: true, levelOfControl: 'controllable_by_this_extension' };
  const badges = new Map();
  const tabs = { updated: [], created: [], open: [], openers: new Map(), asked: [] };
  let proxy = { levelOfControl: 'controllable_by_this_extension', value: proxyValue };
  const chrome = {
    runtime: {
      id: ID,
      lastError: undefined,
      getURL: (path) => `${ORIGIN}${path}`,
      getManifest: () => ({ version: '0.2.0' }),
      ...(firefox ? { getBrowserInfo: async () => ({ name: 'Firefox', version: '153.0' }) } : {}),
      onMessage: event(),
      onConnect: event(),
      onStartup: event(),
      onInstalled: event(),
      sendMessage: async () => undefined,
      connectNative(name) {
        assert.equal(name, 'org.bitweb.host');
        const onMessage = event();
        const onDisconnect = event();
        const port = {
          postMessage(message) {
            host.requests.push(message);
            const answer = answers[message.action]?.(message);
            queueMicrotask(() => {
              if (answer === undefined) return;
              if (answer.error) onMessage.fire({ id: message.id, action: message.action, ok: false, error: answer.error });
              else onMessage.fire({ id: message.id, action: message.action, ok: true, data: answer });
            });
          },
          onMessage,
          onDisconnect,
          disconnect() {},
        };
        host.ports.push(port);
        return port;
      },
    },
    storage: {
      local: {
        get: async (key) => (key in storage ? { [key]: structuredClone(storage[key]) } : {}),
        set: async (items) => Object.assign(storage, structuredClone(items)),
      },
    },
    proxy: {
      settings: {
        get: async () => proxy,
        set: async ({ value }) => { proxy = { levelOfControl: 'controlled_by_this_extension', value }; },
        clear: async () => { proxy = { levelOfControl: 'controllable_by_this_extension', value: proxyValue }; },
        onChange: event(),
      },
      // Firefox routes with proxy.onRequest (routing.js's 'listener' style)
      ...(firefox ? {
        onRequest: Object.assign(event(), {
          addListener(fn, filter) {
            this.listeners.push(fn);
            this.filter = filter;
          },
        }),
        onError: event(),
      } : {}),
    },
    declarativeNetRequest: {
      updateDynamicRules: async ({ removeRuleIds, addRules }) => {
        for (const id of removeRuleIds) dynamicRules.delete(id);
        for (const rule of addRules) {
          assert.ok(!dynamicRules.has(rule.id), `rule id ${rule.id} added twice`);
          dynamicRules.set(rule.id, rule);
        }
      },
      getDynamicRules: async () => [...dynamicRules.values()],
      updateSessionRules: async ({ removeRuleIds, addRules }) => {
        sessionRules.history.push(addRules.map((r) => r.condition.tabIds.join()));
        for (const id of removeRuleIds) sessionRules.delete(id);
        for (const rule of addRules) sessionRules.set(rule.id, rule);
      },
    },
    action: {
      setBadgeText: async ({ tabId, text }) => badges.set(tabId, { ...badges.get(tabId), text }),
      setBadgeBackgroundColor: async ({ tabId, color }) => badges.set(tabId, { ...badges.get(tabId), color }),
      setTitle: async ({ tabId, title }) => badges.set(tabId, { ...badges.get(tabId), title }),
    },
    tabs: {
      onUpdated: event(),
      onRemoved: event(),
      onCreated: event(),
      get: async (tabId) => {
        tabs.asked.push(tabId);
        return { id: tabId, openerTabId: tabs.openers.get(tabId) };
      },
      query: async () => {
        await tabs.queryGate;
        return tabs.open;
      },
      update: async (tabId, props) => tabs.updated.push({ tabId, ...props }),
      create: async (props) => tabs.created.push(props),
    },
    ...(firefox ? {
      webRequest: {
        onBeforeRequest: Object.assign(event(), {
          addListener(fn, filter, extra) {
            this.listeners.push(fn);
            this.filter = filter;
            this.extra = extra;
          },
        }),
      },
    } : {}),
    webNavigation: {
      onErrorOccurred: event(),
      onCreatedNavigationTarget: event(),
    },
    permissions: { contains: async () => true, request: async () => true },
    privacy: {
      network: {
        networkPredictionEnabled: {
          set: async ({ value }) => { prediction.value = value; prediction.levelOfControl = 'controlled_by_this_extension'; },
          get: async () => ({ ...prediction }),
        },
      },
    },
    cookies: {
      onChanged: event(),
      getAllCookieStores: async () => [{ id: '0' }],
      // Chrome's getAll({domain}): that domain and its subdomains
      getAll: async ({ domain, storeId }) => jar.cookies.filter((c) => c.storeId === storeId
        && (c.domain.replace(/^\./, '') === domain || c.domain.endsWith(`.${domain}`))),
      remove: async (details) => {
        jar.removed.push(details);
        return details;
      },
    },
  };
  return { chrome, storage, host, dynamicRules, sessionRules, prediction, badges, tabs, jar, getProxy: () => proxy };
}

// The background keeps timers a browser would drop with the worker (request timeouts,
// reconnect backoff); here they must not keep the test process alive.
const realSetTimeout = globalThis.setTimeout;
globalThis.setTimeout = (fn, ms, ...args) => {
  const timer = realSetTimeout(fn, ms, ...args);
  timer.unref?.();
  return timer;
};

// platform.js reads the global once, when first loaded; a forwarding object lets each test
// bring its own fake while the fresh background modules share that one platform module.
let current = null;
globalThis.chrome = new Proxy({}, { get: (_, key) => current.chrome[key], has: (_, key) => key in current.chrome });

/**
 * Resolves to `probe()`'s first truthy value; fails after `timeoutMs` saying what it waited
 * for and what it saw last. The background works asynchronously: a test waits for what it
 * needs to have happened, never for a fixed time.
 */
export async function waitFor(what, probe, timeoutMs = 2_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(value)})`);
    await new Promise((resolve) => realSetTimeout(resolve, 1));
  }
}

let generation = 0;
/** A fresh background on `fake`, once it has started: said hello and set its routing rules. */
export async function loadBackground(fake) {
  current = fake;
  generation += 1;
  await import(`../src/background.js?fresh=${generation}`);
  await waitFor('the background to start', () => fake.host.requests.some((r) => r.action === 'hello') && fake.dynamicRules.has(20));
  return fake;
}

/** Sends a runtime message as `sender`; resolves to the reply, or 'no reply'. */
export function send(fake, message, sender) {
  return new Promise((resolve) => {
    const [listener] = fake.chrome.runtime.onMessage.listeners;
    const async = listener(message, sender, resolve);
    if (!async) resolve('no reply');
  });
}

export const popup = { id: ID, url: `${ORIGIN}src/popup.html` };
export const bitwebTab = (url = `http://${HEX}.bitweb/page.html`) => ({ id: ID, url, tab: { id: 7 } });

