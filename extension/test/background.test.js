// The background (and platform.js under it) against a fake `chrome` and a fake native host:
// who may ask what, what it asks the host, which rules and badges it sets. Each test loads
// a fresh copy of the modules, as a service-worker restart would.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HEX, ID, ORIGIN, SITE, bitwebTab, fakeChrome, loadBackground, popup, send, waitFor } from './fake-chrome.js';

test('at start: routes with the saved port, restores pet names, then takes the port the host announces', async () => {
  const fake = await loadBackground(fakeChrome({ stored: { gateway: { port: 47999 }, petNames: { alice: HEX } } }));
  await waitFor('the port the host announced to be saved', () => fake.storage.gateway?.port === 48100);
  await waitFor('the pet names to be restored', () => fake.dynamicRules.size > 1);
  assert.match(fake.getProxy().value.pacScript.data, /PROXY 127\.0\.0\.1:48100/);
  assert.equal(fake.storage.gateway.port, 48100);
  assert.ok([...fake.dynamicRules.values()].some((r) => r.condition.urlFilter === '|http://alice.bitweb/'), 'pet name rules restored');
  assert.match(fake.dynamicRules.get(20).condition.regexFilter, /:48100\//, 'gateway probe rule on the announced port');
  assert.equal(fake.host.requests[0].action, 'hello');
  assert.equal(fake.host.requests[0].client, 'bitweb-extension/0.2.0');
  assert.equal(fake.chrome.runtime.onStartup.listeners.length, 1);
  assert.equal(fake.chrome.tabs.onUpdated.listeners.length, 1);
});

test('strangers get no answer: other extensions, clear-web pages, web pages posing as ours', async () => {
  const fake = await loadBackground(fakeChrome());
  assert.equal(await send(fake, { type: 'state' }, { id: 'someone-else', url: 'chrome-extension://someone-else/x.html' }), 'no reply');
  assert.equal(await send(fake, { type: 'open-link', link: `magnet:?xt=urn:btih:${HEX}` }, { id: ID, url: 'https://example.org/', tab: { id: 1 } }), 'no reply');
  assert.equal(await send(fake, { type: 'state' }, bitwebTab()), 'no reply', 'a BitWeb page may only open links and leave');
  assert.equal(await send(fake, { type: 'petnames.set', name: 'x', target: HEX }, bitwebTab()), 'no reply');
  assert.deepEqual(fake.tabs.updated, []);
});

test('state: sites, settings, pet names and the routing mode for the popup', async () => {
  const fake = await loadBackground(fakeChrome({ stored: { petNames: { alice: HEX } } }));
  const reply = await send(fake, { type: 'state' }, popup);
  assert.equal(reply.ok, true);
  assert.deepEqual(reply.sites, [SITE]);
  assert.deepEqual(reply.settings, { keepSeeding: false, storageLimitBytes: 0, oldVersionGraceHours: 24 });
  assert.deepEqual(reply.petNames, { alice: HEX });
  assert.equal(reply.routing.mode, 'proxy');
  assert.equal(reply.connection.state, 'connected');
  assert.equal(reply.browser, 'chrome');
  assert.equal(reply.availability.service.fix, 'bitweb service install', 'the always-on section gets service.status');
});

test('settings.set: only the engine settings the popup offers reach the host', async () => {
  const fake = await loadBackground(fakeChrome({ hostAnswers: { 'settings.set': (m) => ({ keepSeeding: true, storageLimitBytes: 0, lanDiscovery: m.lanDiscovery }) } }));
  const reply = await send(fake, { type: 'settings.set', lanDiscovery: false, socks5Proxy: '127.0.0.1:9050' }, popup);
  assert.equal(reply.ok, true);
  assert.equal(reply.settings.lanDiscovery, false);
  const sent = fake.host.requests.find((r) => r.action === 'settings.set');
  assert.equal(sent.lanDiscovery, false);
  assert.equal('socks5Proxy' in sent, false, 'the proxy is not set from the popup');
  assert.equal('keepSeeding' in sent, false, 'what was not changed is not sent');
});

test('settings.set: the grace period for old versions reaches the host, and nothing unasked', async () => {
  const fake = await loadBackground(fakeChrome({ hostAnswers: { 'settings.set': (m) => ({ keepSeeding: false, storageLimitBytes: 0, oldVersionGraceHours: m.oldVersionGraceHours }) } }));
  const reply = await send(fake, { type: 'settings.set', oldVersionGraceHours: 0, socks5Proxy: '10.0.0.1:9050' }, popup);
  assert.equal(reply.ok, true);
  assert.equal(reply.settings.oldVersionGraceHours, 0);
  const sent = fake.host.requests.find((r) => r.action === 'settings.set');
  assert.equal(sent.oldVersionGraceHours, 0);
  assert.equal('socks5Proxy' in sent, false, 'the popup cannot change what it does not show');
  assert.equal('keepSeeding' in sent, false, 'a setting not sent is left as it is');
});

test('settings.set: a rate preset or rate limits reach the host as the popup chose them', async () => {
  const fake = await loadBackground(fakeChrome({ hostAnswers: { 'settings.set': (m) => ({ keepSeeding: true, rateLimits: m.rateLimits ?? {} }) } }));
  await send(fake, { type: 'settings.set', ratePreset: 'slow-link' }, popup);
  const limits = { uploadBytesPerSecond: 100000, downloadBytesPerSecond: 0 };
  const reply = await send(fake, { type: 'settings.set', rateLimits: limits, siteRateLimits: {} }, popup);
  assert.equal(reply.ok, true);
  const sent = fake.host.requests.filter((r) => r.action === 'settings.set');
  assert.equal(sent[0].ratePreset, 'slow-link');
  assert.deepEqual(sent[1].rateLimits, limits);
  assert.equal('siteRateLimits' in sent[1], false, 'the popup sets no per-site limits');
});

test('an older host: settings unknown (code 4) is reported, not fatal; folder.pick absent hides the button', async () => {
  const unknown = () => ({ error: { code: 4, message: 'unknown action' } });
  const fake = await loadBackground(fakeChrome({ hostAnswers: { 'settings.get': unknown, 'folder.pick': unknown, 'service.status': unknown } }));
  const state = await send(fake, { type: 'state' }, popup);
  assert.equal(state.ok, true);
  assert.equal(state.settings, null);
  assert.equal(state.settingsError.code, 4);
  assert.equal(state.availability, null, 'no always-on section from an older host');
  const picked = await send(fake, { type: 'folder.pick' }, popup);
  assert.equal(picked.ok, false);
  assert.equal(picked.features.folderPick, false);
});

test('folder.pick: the chosen path is kept as a draft for when the popup opens again', async () => {
  const fake = await loadBackground(fakeChrome({ hostAnswers: { 'folder.pick': () => ({ cancelled: false, path: '/home/me/site' }) } }));
  const picked = await send(fake, { type: 'folder.pick' }, popup);
  assert.deepEqual([picked.ok, picked.path, picked.cancelled], [true, '/home/me/site', false]);
  assert.equal(fake.storage.publishDraft.path, '/home/me/site');
  const state = await send(fake, { type: 'state' }, popup);
  assert.equal(state.draft.path, '/home/me/site');
});

test('publish: a relative path is refused before the host is asked; progress is remembered while it runs', async () => {
  let release;
  const fake = await loadBackground(fakeChrome({ hostAnswers: { 'site.publish': () => undefined } }));
  const bad = await send(fake, { type: 'publish', path: 'relative/site' }, popup);
  assert.equal(bad.ok, false);
  assert.match(bad.error.message, /absolute path/);
  assert.ok(!fake.host.requests.some((r) => r.action === 'site.publish'));

  const running = send(fake, { type: 'publish', path: '/home/me/site' }, popup);
  const request = await waitFor('site.publish to reach the host', () => fake.host.requests.find((r) => r.action === 'site.publish'));
  assert.equal(request.path, '/home/me/site');
  const port = fake.host.ports.at(-1);
  port.onMessage.fire({ event: 'publish.progress', data: { path: '/home/me/site', done: 5, total: 10 } });
  const during = await send(fake, { type: 'state' }, popup);
  assert.deepEqual([during.publishing.done, during.publishing.total], [5, 10]);
  release = () => port.onMessage.fire({ id: request.id, action: 'site.publish', ok: true, data: SITE });
  release();
  const done = await running;
  assert.equal(done.ok, true);
  assert.equal(done.site.address, HEX);
  assert.equal(done.lastPublish.ok, true);
  assert.equal(done.publishing, null);
});

test('a magnet link clicked on a BitWeb page: peer hints to the engine, the tab to the site', async () => {
  const fake = await loadBackground(fakeChrome());
  const magnet = `magnet:?xt=urn:btih:${HEX.toUpperCase()}&x.pe=10.0.0.2:6881`;
  const reply = await send(fake, { type: 'open-link', link: magnet, newTab: false }, bitwebTab());
  assert.equal(reply.ok, true);
  assert.deepEqual(fake.tabs.updated, [{ tabId: 7, url: `http://${HEX}.bitweb/` }]);
  const fetch = await waitFor('site.fetch to reach the host', () => fake.host.requests.find((r) => r.action === 'site.fetch'));
  assert.equal(fetch.url, magnet);
  assert.equal(fetch.from, HEX, 'the page that carried the link: its LAN hints count only if its site came from the LAN');
  const bad = await send(fake, { type: 'open-link', link: 'magnet:?xt=urn:sha1:x' }, bitwebTab());
  assert.equal(bad.ok, false);
  await send(fake, { type: 'open-link', link: `web+bitweb://${HEX}/docs/`, newTab: true }, bitwebTab(`http://${HEX}.bitweb.localhost:47800/`));
  assert.deepEqual(fake.tabs.created, [{ url: `http://${HEX}.bitweb/docs/` }]);
});

test('leave: only an outside http(s) link, shown on the leave page', async () => {
  const fake = await loadBackground(fakeChrome());
  const reply = await send(fake, { type: 'leave', url: 'https://example.org/a?b' }, bitwebTab());
  assert.equal(reply.ok, true);
  assert.deepEqual(fake.tabs.updated, [{ tabId: 7, url: `${ORIGIN}src/leave.html#${encodeURIComponent('https://example.org/a?b')}` }]);
  for (const url of ['javascript:alert(1)', `http://${HEX}.bitweb/`, 'not a url']) {
    assert.equal((await send(fake, { type: 'leave', url }, bitwebTab())).ok, false, url);
  }
  assert.equal(fake.tabs.updated.length, 1);
});

test('pet names: set and remove keep storage and the redirect rules in step; bad names are refused', async () => {
  const fake = await loadBackground(fakeChrome());
  const set = await send(fake, { type: 'petnames.set', name: 'Alice.bitweb', target: `http://${HEX}.bitweb/` }, popup);
  assert.deepEqual(set.petNames, { alice: HEX });
  assert.deepEqual(fake.storage.petNames, { alice: HEX });
  assert.equal([...fake.dynamicRules.keys()].filter((id) => id >= 1000).length, 4);
  const bad = await send(fake, { type: 'petnames.set', name: HEX, target: HEX }, popup);
  assert.equal(bad.ok, false);
  assert.equal(bad.error.kind, 'invalid');
  await send(fake, { type: 'petnames.remove', name: 'alice' }, popup);
  assert.deepEqual(fake.storage.petNames, {});
  assert.equal([...fake.dynamicRules.keys()].filter((id) => id >= 1000).length, 0);
});

test('routing.set subdomain: the PAC goes, the redirect comes, and links open in that form', async () => {
  const fake = await loadBackground(fakeChrome());
  const reply = await send(fake, { type: 'routing.set', preference: 'subdomain' }, popup);
  assert.equal(reply.routing.mode, 'subdomain');
  assert.equal(fake.getProxy().levelOfControl, 'controllable_by_this_extension');
  assert.ok(fake.dynamicRules.has(10) && fake.dynamicRules.has(11));
  const open = await send(fake, { type: 'open-link', link: `http://${HEX}.bitweb/x` }, popup);
  assert.equal(open.url, `http://${HEX}.bitweb.localhost:48100/x`);
});

test('badge: a BitWeb tab shows what the engine says about its site, updated by site.update events', async () => {
  const fake = await loadBackground(fakeChrome());
  const badge = (text) => () => fake.badges.get(3)?.title && fake.badges.get(3).text === text;
  fake.chrome.tabs.onUpdated.fire(3, { status: 'complete', url: `http://${HEX}.bitweb/` }, { id: 3, status: 'complete', url: `http://${HEX}.bitweb/` });
  await waitFor('the badge to say seed', badge('seed'));
  assert.match(fake.badges.get(3).title, /you seed blog/);
  fake.host.ports.at(-1).onMessage.fire({ event: 'site.update', data: { ...SITE, seeding: false, progress: 0.5 } });
  await waitFor('the badge to show the download', badge('50%'));
  fake.chrome.tabs.onUpdated.fire(3, { url: 'https://example.org/' }, { id: 3, url: 'https://example.org/' });
  await waitFor('the badge to clear when the tab leaves BitWeb', badge(''));
  assert.equal(fake.badges.get(3).title, 'BitWeb');
});

test('the BitWeb tabs rule follows the tabs: a tab is held while it shows a BitWeb page', async () => {
  const fake = await loadBackground(fakeChrome());
  const held = () => fake.sessionRules.get(30)?.condition.tabIds ?? [];
  const page = `http://${HEX}.bitweb/`;
  fake.chrome.tabs.onUpdated.fire(3, { status: 'loading', url: page }, { id: 3, status: 'loading', url: page });
  await waitFor('tab 3 to be held', () => held().join() === '3');
  assert.deepEqual(fake.sessionRules.get(30).condition.resourceTypes, ['main_frame', 'sub_frame']);
  fake.chrome.tabs.onUpdated.fire(4, { status: 'complete', url: `${page}x` }, { id: 4, status: 'complete', url: `${page}x` });
  await waitFor('tab 4 to be held too', () => held().join() === '3,4');
  fake.chrome.tabs.onRemoved.fire(4);
  await waitFor('tab 4 to be let go when closed', () => held().join() === '3');
  // the tab shows something else (an error page, a page the person chose; its URL is not ours to see)
  fake.chrome.tabs.onUpdated.fire(3, { status: 'loading' }, { id: 3, status: 'loading' });
  await waitFor('no tab held', () => !fake.sessionRules.has(30));
});

test('a background started again holds every open BitWeb tab, also when a tab\'s event woke it', async () => {
  const fake = fakeChrome();
  let open;
  fake.tabs.queryGate = new Promise((resolve) => { open = resolve; });
  fake.tabs.open = [{ id: 3, url: `http://${HEX}.bitweb/`, status: 'complete' }, { id: 5, url: `http://${HEX}.bitweb/b`, status: 'complete' }];
  await loadBackground(fake);
  fake.chrome.tabs.onUpdated.fire(3, { status: 'loading' }, { id: 3, status: 'loading', url: `http://${HEX}.bitweb/c` });
  open();
  await waitFor('both tabs held', () => fake.sessionRules.get(30)?.condition.tabIds.join() === '3,5');
  assert.deepEqual(fake.sessionRules.history, [['3,5']], 'never one tab only');
});

test('a tab a held tab\'s page opens is held too, until it is closed', async () => {
  const fake = await loadBackground(fakeChrome());
  const held = () => fake.sessionRules.get(30)?.condition.tabIds ?? [];
  const page = `http://${HEX}.bitweb/`;
  fake.chrome.tabs.onUpdated.fire(3, { status: 'complete', url: page }, { id: 3, status: 'complete', url: page });
  await waitFor('tab 3 to be held', () => held().join() === '3');
  fake.chrome.webNavigation.onCreatedNavigationTarget.fire({ sourceTabId: 3, sourceFrameId: 5, tabId: 4, url: 'https://tracker.example/' });
  fake.chrome.webNavigation.onCreatedNavigationTarget.fire({ sourceTabId: 9, sourceFrameId: 0, tabId: 6, url: 'https://example.org/' });
  await waitFor('tab 4 to be held', () => held().join() === '3,4');
  fake.chrome.webNavigation.onErrorOccurred.fire({ tabId: 4, frameId: 0, url: 'https://tracker.example/', error: 'NS_ERROR_ABORT' });
  await waitFor('the leave page in the new tab', () => fake.tabs.updated.some((u) => u.tabId === 4));
  const reply = await send(fake, { type: 'leave.go', url: 'https://tracker.example/' }, { id: ID, url: `${ORIGIN}src/leave.html#x`, tab: { id: 4 } });
  assert.equal(reply.ok, true);
  assert.equal(held().join(), '3', '"Open it" lets the new tab go');
  fake.chrome.webNavigation.onCreatedNavigationTarget.fire({ sourceTabId: 3, sourceFrameId: 0, tabId: 8, url: 'https://tracker.example/' });
  await waitFor('tab 8 to be held', () => held().join() === '3,8');
  fake.chrome.tabs.onRemoved.fire(8);
  await waitFor('tab 8 to be let go when closed', () => held().join() === '3');
});

test('a navigation out of a held tab that failed (the rule blocked it) shows the leave page for it', async () => {
  const fake = await loadBackground(fakeChrome());
  const page = `http://${HEX}.bitweb/`;
  fake.chrome.tabs.onUpdated.fire(7, { status: 'complete', url: page }, { id: 7, status: 'complete', url: page });
  await waitFor('tab 7 to be held', () => fake.sessionRules.has(30));
  fake.chrome.webNavigation.onErrorOccurred.fire({ tabId: 7, frameId: 3, url: 'https://example.org/frame', error: 'net::ERR_BLOCKED_BY_CLIENT' });
  fake.chrome.webNavigation.onErrorOccurred.fire({ tabId: 8, frameId: 0, url: 'https://example.org/other-tab', error: 'net::ERR_BLOCKED_BY_CLIENT' });
  fake.chrome.webNavigation.onErrorOccurred.fire({ tabId: 7, frameId: 0, url: `http://${'f'.repeat(40)}.bitweb/`, error: 'net::ERR_FAILED' });
  fake.chrome.webNavigation.onErrorOccurred.fire({ tabId: 7, frameId: 0, url: 'https://example.org/typed', error: 'net::ERR_BLOCKED_BY_CLIENT' });
  await waitFor('the leave page', () => fake.tabs.updated.length > 0);
  assert.deepEqual(fake.tabs.updated, [{ tabId: 7, url: `${ORIGIN}src/leave.html#${encodeURIComponent('https://example.org/typed')}` }]);
  // Chromium: the error page of the blocked navigation already let the tab go when the error comes
  fake.chrome.tabs.onUpdated.fire(7, { status: 'loading' }, { id: 7, status: 'loading' });
  await waitFor('tab 7 to be let go', () => !fake.sessionRules.has(30));
  fake.chrome.webNavigation.onErrorOccurred.fire({ tabId: 7, frameId: 0, url: 'https://example.org/dns', error: 'net::ERR_NAME_NOT_RESOLVED' });
  fake.chrome.webNavigation.onErrorOccurred.fire({ tabId: 7, frameId: 0, url: 'https://example.org/blocked', error: 'net::ERR_BLOCKED_BY_CLIENT' });
  await waitFor('the leave page again', () => fake.tabs.updated.length > 1);
  assert.deepEqual(fake.tabs.updated.map((u) => decodeURIComponent(u.url.split('#')[1])), ['https://example.org/typed', 'https://example.org/blocked']);
});

test('leave.go: only the leave page, in the tab it shows, lifts that tab\'s rule, for a link out of BitWeb', async () => {
  const fake = await loadBackground(fakeChrome());
  const page = `http://${HEX}.bitweb/`;
  fake.chrome.tabs.onUpdated.fire(7, { status: 'complete', url: page }, { id: 7, status: 'complete', url: page });
  await waitFor('tab 7 to be held', () => fake.sessionRules.has(30));
  const leavePage = { id: ID, url: `${ORIGIN}src/leave.html#x`, tab: { id: 7 } };
  assert.equal((await send(fake, { type: 'leave.go', url: `http://${HEX}.bitweb/` }, leavePage)).ok, false, 'not out of BitWeb');
  assert.equal((await send(fake, { type: 'leave.go', url: 'https://example.org/' }, popup)).ok, false, 'not from the leave page');
  assert.ok(fake.sessionRules.has(30));
  const reply = await send(fake, { type: 'leave.go', url: 'https://example.org/' }, leavePage);
  assert.equal(reply.ok, true);
  assert.equal(reply.url, 'https://example.org/');
  assert.equal(fake.sessionRules.has(30), false, 'lifted before the reply');
});

test('network prediction (preconnect, DNS prefetch, prerender) is turned off as the background starts', async () => {
  const fake = await loadBackground(fakeChrome());
  await waitFor('network prediction to be off', () => fake.prediction.value === false);
  assert.equal(fake.prediction.levelOfControl, 'controlled_by_this_extension');
});

test('a host that cannot reach its engine: the popup gets kind engine-unavailable and the doctor command', async () => {
  const fake = await loadBackground(fakeChrome({ hostAnswers: { hello: () => ({ error: { code: 7, message: 'gateway port 47800 is taken' } }) } }));
  const reply = await send(fake, { type: 'state' }, popup);
  assert.equal(reply.ok, false);
  assert.equal(reply.error.kind, 'engine-unavailable');
  assert.match(reply.error.message, /47800 is taken/);
});

test('cookies: one a site sets for a domain under BitWeb is removed at once, and at start; a site\'s own stays', async () => {
  const cookie = (name, domain, hostOnly) => ({ name, value: '1', domain, hostOnly, path: '/', secure: false, storeId: '0' });
  const fake = await loadBackground(fakeChrome({
    cookieJar: [cookie('before', '.bitweb.localhost', false), cookie('own', 'a.bitweb.localhost', true)],
  }));
  await waitFor('the shared cookie set before the start to be swept', () => fake.jar.removed.length === 1);
  assert.deepEqual(fake.jar.removed[0], { url: 'http://bitweb.localhost/', name: 'before', storeId: '0' });

  const [listener] = fake.chrome.cookies.onChanged.listeners;
  assert.ok(listener, 'a cookies.onChanged listener, registered at the top level');
  listener({ removed: false, cause: 'explicit', cookie: cookie('shared', '.bitweb.localhost', false) });
  listener({ removed: false, cause: 'explicit', cookie: cookie('own', 'b.bitweb.localhost', true) });
  listener({ removed: false, cause: 'explicit', cookie: cookie('elsewhere', '.example.com', false) });
  listener({ removed: true, cause: 'explicit', cookie: cookie('gone', '.bitweb.localhost', false) });
  await waitFor('the shared cookie to be removed', () => fake.jar.removed.length === 2);
  assert.deepEqual(fake.jar.removed.map((d) => d.name), ['before', 'shared'], 'only domain cookies under BitWeb, and only when set');
});

test('a BitWeb page that failed while the host was starting is opened again once the gateway is routed', async () => {
  const fake = await loadBackground(fakeChrome({ hostAnswers: { hello: () => undefined } }));
  const hello = fake.host.requests.find((r) => r.action === 'hello');
  const page = `http://${HEX}.bitweb/blog/`;
  // the engine's gateway does not listen yet; other failures are none of this
  fake.chrome.webNavigation.onErrorOccurred.fire({ tabId: 5, frameId: 0, url: page, error: 'net::ERR_PROXY_CONNECTION_FAILED' });
  fake.chrome.webNavigation.onErrorOccurred.fire({ tabId: 6, frameId: 0, url: page, error: 'net::ERR_ABORTED' });
  fake.chrome.webNavigation.onErrorOccurred.fire({ tabId: 7, frameId: 0, url: 'https://example.org/', error: 'net::ERR_NAME_NOT_RESOLVED' });
  const starting = `${ORIGIN}src/starting.html#${encodeURIComponent(page)}`;
  await waitFor('tab 5 to say it waits for BitWeb', () => fake.tabs.updated.length > 0);
  assert.deepEqual(fake.tabs.updated, [{ tabId: 5, url: starting }], 'the waiting page, not the error, until the host answers');
  // the waiting page itself is not the person going elsewhere
  fake.chrome.tabs.onUpdated.fire(5, { url: starting, status: 'complete' }, { id: 5, url: starting, status: 'complete' });
  fake.host.ports.at(-1).onMessage.fire({ id: hello.id, action: 'hello', ok: true, data: { protocol: 4, version: '0.2.0', gateway: 'http://127.0.0.1:48200', gatewayPort: 48200, peerPort: 1 } });
  await waitFor('tab 5 to be opened again', () => fake.tabs.updated.length > 1);
  assert.deepEqual(fake.tabs.updated.at(-1), { tabId: 5, url: page });
  assert.match(fake.getProxy().value.pacScript.data, /PROXY 127\.0\.0\.1:48200/, 'routed to the announced port before it was opened');
  // failing again with routing in place (Chromium applies a new proxy setting a moment later), tried again
  fake.chrome.webNavigation.onErrorOccurred.fire({ tabId: 5, frameId: 0, url: page, error: 'net::ERR_NAME_NOT_RESOLVED' });
  await waitFor('tab 5 to be opened a second time', () => fake.tabs.updated.length === 3, 3_000);
  assert.deepEqual(fake.tabs.updated.at(-1), { tabId: 5, url: page });
});

test('a page held while the engine starts is opened again as soon as the host says its gateway listens, before the hello', async () => {
  const fake = await loadBackground(fakeChrome({ hostAnswers: { hello: () => undefined } }));
  const hello = fake.host.requests.find((r) => r.action === 'hello');
  const page = `http://${HEX}.bitweb/blog/`;
  fake.chrome.webNavigation.onErrorOccurred.fire({ tabId: 5, frameId: 0, url: page, error: 'net::ERR_PROXY_CONNECTION_FAILED' });
  const starting = `${ORIGIN}src/starting.html#${encodeURIComponent(page)}`;
  await waitFor('tab 5 to say it waits for BitWeb', () => fake.tabs.updated.length > 0);
  fake.chrome.tabs.onUpdated.fire(5, { url: starting, status: 'complete' }, { id: 5, url: starting, status: 'complete' });
  // the bridge: the engine it started listens on its gateway's port; the hello's answer waits for the engine
  fake.host.ports.at(-1).onMessage.fire({ event: 'engine.starting', data: { gateway: 'http://127.0.0.1:48200', gatewayPort: 48200 } });
  await waitFor('tab 5 to be opened again', () => fake.tabs.updated.length > 1);
  assert.deepEqual(fake.tabs.updated.at(-1), { tabId: 5, url: page });
  assert.match(fake.getProxy().value.pacScript.data, /PROXY 127\.0\.0\.1:48200/, 'routed to the port that listens before it was opened');
  // the hello's answer, once the engine is up, opens nothing again: the page waits in the gateway
  fake.host.ports.at(-1).onMessage.fire({ id: hello.id, action: 'hello', ok: true, data: { protocol: 4, version: '0.2.0', gateway: 'http://127.0.0.1:48200', gatewayPort: 48200, peerPort: 1 } });
  await waitFor('the host to be connected', async () => (await send(fake, { type: 'state' }, { id: ID, url: `${ORIGIN}src/popup.html` }))?.connection?.state === 'connected');
  assert.equal(fake.tabs.updated.length, 2, 'opened once');
});
