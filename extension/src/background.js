// Background: Chrome's service worker, Firefox's event page. Either can be unloaded at any
// time and started again for an event, so every listener is registered synchronously
// below, before anything is awaited, and all state can be rebuilt from storage and the host.

import * as platform from './platform.js';
import { GATEWAY_STORAGE_KEY, SITE_PATTERNS } from './constants.js';
import { NativeHost } from './native.js';
import { Router } from './routing.js';

const host = new NativeHost({
  connect: platform.connectNative,
  client: `bitweb-extension/${platform.extensionVersion}`,
});

const router = new Router({
  style: platform.proxyStyle,
  setPacScript: platform.setPacScript,
  load: () => platform.storageGet(GATEWAY_STORAGE_KEY),
  save: (gateway) => platform.storageSet(GATEWAY_STORAGE_KEY, { ...gateway, savedAt: Date.now() }),
});

// ---- listeners, all at top level ----

if (platform.proxyStyle === 'listener') {
  // Firefox: a listener added during the first run of the script is persisted, so the
  // event page is woken for *.bitweb requests after it was unloaded.
  platform.onProxyRequest((details) => router.proxyInfo(details), SITE_PATTERNS);
}

platform.onMessage(handleMessage);
platform.onStartup(start);
platform.onInstalled(start);

host.onState((snapshot) => {
  if (snapshot.state === 'connected') {
    router.useGateway(snapshot.info).catch((error) => console.warn('bitweb: routing failed', error));
  } else if (snapshot.error) {
    console.warn(`bitweb: host ${snapshot.state}: ${snapshot.error.message}`);
  }
});

start();

// ---- startup ----

/** Idempotent: route with the saved port, then connect to the host (which may update it). */
function start() {
  router.ready().catch((error) => console.warn('bitweb: could not restore routing', error));
  host.connect().catch(() => {}); // the state listener and the popup report failures
}

// ---- popup messages ----

function handleMessage(message, sender) {
  if (!platform.isOwnPage(sender)) return undefined; // only our own pages may ask
  switch (message?.type) {
    case 'sites':
      return reply(async () => ({ sites: listOf((await host.request('sites.list')).sites) }));
    case 'status':
      return reply(async () => {
        const data = await host.request('status');
        return { status: { ...data, sites: listOf(data.sites) } };
      });
    case 'connect':
      return reply(async () => ({ hello: await host.connect() }));
    default:
      return { ok: false, error: { kind: 'bad-request', message: `unknown message type ${JSON.stringify(message?.type)}` } };
  }
}

const listOf = (value) => (Array.isArray(value) ? value : []);

/** Runs `work` and wraps its result with what the popup needs to explain the state. */
async function reply(work) {
  start();
  await router.ready().catch(() => {});
  try {
    return { ok: true, ...(await work()), ...context() };
  } catch (error) {
    const data = typeof error?.toJSON === 'function' ? error.toJSON() : { kind: 'internal', message: String(error?.message ?? error) };
    return { ok: false, error: data, ...context() };
  }
}

function context() {
  return { connection: host.snapshot, routing: router.status, browser: platform.browserName };
}
