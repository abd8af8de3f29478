// A BitWeb page asked for while the engine starts is opened again once routing points at the
// gateway: a few times at most per tab and connection, only for errors of a gateway not reached.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StartingVisits, TRIES, isUnreachedBitwebPage } from '../src/starting-visits.js';

const SITE = `http://${'a'.repeat(40)}.bitweb/`;

function visits() {
  const reopened = [];
  const held = [];
  const v = new StartingVisits({
    reopen: async (tabId, url) => reopened.push([tabId, url]),
    hold: async (tabId, url) => held.push([tabId, url]),
  });
  return { v, reopened, held };
}

test('the errors of a gateway not reached, on BitWeb pages only', () => {
  assert.equal(isUnreachedBitwebPage(SITE, 'net::ERR_PROXY_CONNECTION_FAILED'), true, 'Chromium: the gateway does not listen yet');
  assert.equal(isUnreachedBitwebPage(SITE, 'net::ERR_NAME_NOT_RESOLVED'), true, 'Chromium: routing not in place yet');
  assert.equal(isUnreachedBitwebPage(`http://${'a'.repeat(40)}.bitweb.localhost:47800/x`, 'net::ERR_CONNECTION_REFUSED'), true, 'the subdomain form');
  assert.equal(isUnreachedBitwebPage(SITE, 'NS_ERROR_PROXY_CONNECTION_REFUSED'), true, 'Firefox');
  assert.equal(isUnreachedBitwebPage(SITE, 'net::ERR_BLOCKED_BY_CLIENT'), false, 'our own rules blocked it');
  assert.equal(isUnreachedBitwebPage(SITE, 'net::ERR_ABORTED'), false, 'the person stopped it');
  assert.equal(isUnreachedBitwebPage(SITE, undefined), false);
  assert.equal(isUnreachedBitwebPage('https://example.org/', 'net::ERR_NAME_NOT_RESOLVED'), false, 'not ours to retry');
  assert.equal(isUnreachedBitwebPage('not a url', 'net::ERR_NAME_NOT_RESOLVED'), false);
});

test('a page that failed before routing is opened again when routed; failing on, a few times, then left', async () => {
  const { v, reopened, held } = visits();
  v.failed({ tabId: 3, frameId: 0, url: SITE, error: 'net::ERR_PROXY_CONNECTION_FAILED' });
  v.failed({ tabId: 4, frameId: 2, url: SITE, error: 'net::ERR_PROXY_CONNECTION_FAILED' }); // a frame: not a tab's page
  v.failed({ tabId: 5, frameId: 0, url: 'https://example.org/', error: 'net::ERR_NAME_NOT_RESOLVED' });
  assert.deepEqual(reopened, [], 'nothing before the host answers');
  assert.deepEqual(held, [[3, SITE]], 'meanwhile the tab says it waits for BitWeb, not the error');
  assert.deepEqual([...v.waiting.keys()], [3]);
  v.routed();
  assert.deepEqual(reopened, [[3, SITE]]);
  // it fails again with routing in place (the new route not in effect yet): tried again, later each time
  for (let n = 2; n <= TRIES; n++) {
    v.failed({ tabId: 3, frameId: 0, url: SITE, error: 'net::ERR_NAME_NOT_RESOLVED' });
    await waitUntil(() => reopened.length === n);
  }
  // then the error page stays: no loop
  v.failed({ tabId: 3, frameId: 0, url: SITE, error: 'net::ERR_PROXY_CONNECTION_FAILED' });
  v.routed();
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(reopened.length, TRIES);
  // a new connection (the engine restarted) gives it new tries
  v.unrouted();
  v.failed({ tabId: 3, frameId: 0, url: SITE, error: 'net::ERR_PROXY_CONNECTION_FAILED' });
  v.routed();
  assert.equal(reopened.length, TRIES + 1);
});

test('an error that comes just after routing (the request left before it) is tried again at once', async () => {
  const { v, reopened, held } = visits();
  v.routed();
  v.failed({ tabId: 7, frameId: 0, url: SITE, error: 'net::ERR_NAME_NOT_RESOLVED' });
  await waitUntil(() => reopened.length === 1);
  assert.deepEqual(reopened, [[7, SITE]]);
  assert.deepEqual(held, [], 'no waiting page when it can open at once');
});

/** Polls `probe` until true, for at most 5 s (the retries wait 250 ms, then 500). */
async function waitUntil(probe) {
  const deadline = Date.now() + 5_000;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${probe}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

test('a tab the person took elsewhere or closed is not opened again', () => {
  const { v, reopened } = visits();
  v.failed({ tabId: 3, frameId: 0, url: SITE, error: 'net::ERR_PROXY_CONNECTION_FAILED' });
  v.failed({ tabId: 4, frameId: 0, url: SITE, error: 'net::ERR_PROXY_CONNECTION_FAILED' });
  v.failed({ tabId: 5, frameId: 0, url: SITE, error: 'net::ERR_PROXY_CONNECTION_FAILED' });
  v.moved(3, 'https://example.org/typed');
  v.moved(5, SITE); // the error page itself keeps the address
  v.closed(4);
  v.routed();
  assert.deepEqual(reopened, [[5, SITE]]);
});

test('whenRouted: at once when routed, when routing comes, false at its deadline or when the host gave up', async () => {
  const { v } = visits();
  const late = v.whenRouted(20);
  assert.equal(await late, false, 'the deadline');
  const waiting = v.whenRouted(5_000);
  const given = new StartingVisits({ reopen: async () => {} });
  const gave = given.whenRouted(5_000);
  given.givenUp();
  assert.equal(await gave, false, 'the host cannot connect without the person');
  v.routed();
  assert.equal(await waiting, true);
  assert.equal(await v.whenRouted(1), true, 'already routed');
  // after the host's try failed, nothing waits, until it tries again
  v.unrouted();
  v.givenUp();
  assert.equal(await v.whenRouted(5_000), false, 'at once');
  v.unrouted(); // connecting again
  const again = v.whenRouted(5_000);
  v.routed();
  assert.equal(await again, true);
});
