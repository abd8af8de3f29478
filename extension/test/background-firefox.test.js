// The background in Firefox (fake-chrome.js with `firefox: true`): its blocking top-level
// listener holds a tab a BitWeb tab's page opened from that tab's first request on, before
// onCreatedNavigationTarget says who opened it (isolation.js topLevelVerdict decides).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HEX, ID, ORIGIN, fakeChrome, loadBackground, send, waitFor } from './fake-chrome.js';

const page = `http://${HEX}.bitweb/`;
const held = (fake) => fake.sessionRules.get(30)?.condition.tabIds ?? [];
const request = (fake, tabId, url, type = 'main_frame') => fake.chrome.webRequest.onBeforeRequest.listeners[0]({ tabId, url, type, frameId: 0 });

async function withBitwebTab() {
  const fake = await loadBackground(fakeChrome({ firefox: true }));
  fake.chrome.tabs.onUpdated.fire(3, { status: 'complete', url: page }, { id: 3, status: 'complete', url: page });
  await waitFor('tab 3 to be held', () => held(fake).join() === '3');
  return fake;
}

test('Firefox: one blocking listener for top-level requests to every http(s) host', async () => {
  const fake = await loadBackground(fakeChrome({ firefox: true }));
  const event = fake.chrome.webRequest.onBeforeRequest;
  assert.equal(event.listeners.length, 1);
  assert.deepEqual(event.filter, { urls: ['*://*/*'], types: ['main_frame'] });
  assert.deepEqual(event.extra, ['blocking']);
});

test('Firefox: the first request of a popup a BitWeb tab opened is cancelled before onCreatedNavigationTarget, and the tab shows the leave page', async () => {
  const fake = await withBitwebTab();
  fake.tabs.openers.set(4, 3); // tabs.onCreated has not come yet: the tab itself is asked
  assert.deepEqual(await request(fake, 4, 'http://127.0.0.5/sandbox-popup'), { cancel: true });
  assert.equal(held(fake).join(), '3,4', 'held by the tab rule before the answer, for what it asks next');
  fake.chrome.webNavigation.onErrorOccurred.fire({ tabId: 4, frameId: 0, url: 'http://127.0.0.5/sandbox-popup', error: 'NS_ERROR_ABORT' });
  await waitFor('the leave page in the popup', () => fake.tabs.updated.some((u) => u.tabId === 4));
  // "Open it": the tab is let go by the rule and by the listener
  const reply = await send(fake, { type: 'leave.go', url: 'http://127.0.0.5/sandbox-popup' }, { id: ID, url: `${ORIGIN}src/leave.html#x`, tab: { id: 4 } });
  assert.equal(reply.ok, true);
  assert.deepEqual(await request(fake, 4, 'http://127.0.0.5/sandbox-popup'), {});
  assert.equal(held(fake).join(), '3');
});

test('Firefox: the opener from tabs.onCreated is enough; a popup to BitWeb goes and is held; other tabs pass, asked about once', async () => {
  const fake = await withBitwebTab();
  fake.chrome.tabs.onCreated.fire({ id: 5, openerTabId: 3 });
  assert.deepEqual(await request(fake, 5, 'https://tracker.example/'), { cancel: true });
  assert.deepEqual(fake.tabs.asked, [], 'tabs.onCreated said who opened it');
  fake.chrome.tabs.onCreated.fire({ id: 6, openerTabId: 3 });
  assert.deepEqual(await request(fake, 6, `http://${'f'.repeat(40)}.bitweb/`), {});
  assert.equal(held(fake).join(), '3,5,6', 'a popup to BitWeb is held until it shows its page');
  // a tab nobody (or a clear-web tab) opened: its request passes, and later ones are not asked about
  fake.tabs.openers.set(8, 9);
  assert.deepEqual(await request(fake, 7, 'https://example.org/'), {});
  assert.deepEqual(await request(fake, 8, 'https://example.org/'), {});
  assert.deepEqual(await request(fake, 8, 'https://example.org/next'), {});
  assert.deepEqual(fake.tabs.asked, [7, 8]);
  // the tab rule holds a held tab's later requests, not the listener
  assert.deepEqual(await request(fake, 3, 'https://example.org/typed'), {});
  assert.equal(held(fake).join(), '3,5,6');
});

test('Firefox: while no BitWeb tab is open, nothing is asked and nothing is cancelled', async () => {
  const fake = await loadBackground(fakeChrome({ firefox: true }));
  fake.tabs.openers.set(4, 3);
  assert.deepEqual(await request(fake, 4, 'https://example.org/'), {});
  assert.deepEqual(fake.tabs.asked, []);
  assert.equal(fake.sessionRules.has(30), false);
});

/**
 * A background whose host has not answered hello (the engine starting), and a page's request
 * its proxy listener holds: `answered()` is what the listener gave, null while it holds it.
 */
async function aRequestHeldWhileTheEngineStarts() {
  const fake = await loadBackground(fakeChrome({ firefox: true, hostAnswers: { hello: () => undefined } }));
  const listener = fake.chrome.proxy.onRequest.listeners[0];
  let answered = null;
  const pending = listener({ url: `http://${HEX}.bitweb/`, type: 'main_frame' }).then((info) => { answered = info; });
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
  assert.equal(answered, null, 'held while the engine starts');
  return { fake, listener, pending, answered: () => answered };
}

test('Firefox: a BitWeb request made while the host connects waits for its gateway instead of failing', async () => {
  const { fake, listener, pending, answered } = await aRequestHeldWhileTheEngineStarts();
  const hello = fake.host.requests.find((r) => r.action === 'hello');
  fake.host.ports.at(-1).onMessage.fire({ id: hello.id, action: 'hello', ok: true, data: { protocol: 4, version: '0.2.0', gateway: 'http://127.0.0.1:48200', gatewayPort: 48200, peerPort: 1 } });
  await pending;
  assert.deepEqual(answered(), { type: 'http', host: '127.0.0.1', port: 48200 }, 'sent to the gateway the host announced');
  // once routed, requests are answered at once
  const next = await listener({ url: `http://${HEX}.bitweb/style.css`, type: 'stylesheet' });
  assert.equal(next.port, 48200);
});

test('Firefox: a request held while the engine starts goes to its gateway as soon as the host says it listens', async () => {
  const { fake, pending, answered } = await aRequestHeldWhileTheEngineStarts();
  // the bridge: the engine it started listens on its gateway's port, before it answers hello
  fake.host.ports.at(-1).onMessage.fire({ event: 'engine.starting', data: { gateway: 'http://127.0.0.1:48200', gatewayPort: 48200 } });
  await pending;
  assert.deepEqual(answered(), { type: 'http', host: '127.0.0.1', port: 48200 }, 'sent to the gateway that listens, to wait there');
});

test('Firefox: with a host that failed (here: an incompatible hello), BitWeb requests are not held', async () => {
  const fake = await loadBackground(fakeChrome({ firefox: true, hostAnswers: { hello: () => ({ error: { code: 4, message: 'unknown action' } }) } }));
  await waitFor('the host to fail', async () => (await send(fake, { type: 'state' }, { id: ID, url: `${ORIGIN}src/popup.html` }))?.connection?.state === 'error');
  const info = await fake.chrome.proxy.onRequest.listeners[0]({ url: `http://${HEX}.bitweb/`, type: 'main_frame' });
  assert.equal(info.type, 'http', 'answered at once, to the port routing has');
});
