import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSharedBitwebCookie, removalOf } from '../src/cookies.js';

const cookie = (over) => ({ name: 'x', value: '1', domain: '.bitweb.localhost', hostOnly: false, path: '/', secure: false, storeId: '0', ...over });

test('a cookie set for a domain under BitWeb is shared; a host-only one is the site\'s own', () => {
  assert.equal(isSharedBitwebCookie(cookie()), true, 'Domain=bitweb.localhost reaches every site of the subdomain form');
  assert.equal(isSharedBitwebCookie(cookie({ domain: 'bitweb.localhost' })), true, 'Firefox may report it without the dot');
  assert.equal(isSharedBitwebCookie(cookie({ domain: '.BitWeb.LocalHost.' })), true);
  assert.equal(isSharedBitwebCookie(cookie({ domain: '.bitweb' })), true, 'the proxy form\'s parent, should a browser take it');
  assert.equal(isSharedBitwebCookie(cookie({ domain: '.k.bitweb.localhost' })), true, 'a key site\'s domain cookie reaches its salts');
  assert.equal(isSharedBitwebCookie(cookie({ domain: 'a.bitweb.localhost', hostOnly: true })), false);
  assert.equal(isSharedBitwebCookie(cookie({ domain: 'a.bitweb', hostOnly: true })), false);
});

test('cookies of other sites, and malformed reports, are left alone', () => {
  assert.equal(isSharedBitwebCookie(cookie({ domain: '.example.com' })), false);
  assert.equal(isSharedBitwebCookie(cookie({ domain: '.notbitweb.localhost' })), false, 'a suffix match is not a domain match');
  assert.equal(isSharedBitwebCookie(cookie({ domain: '.localhost' })), false, 'not BitWeb\'s (and refused by browsers)');
  assert.equal(isSharedBitwebCookie(cookie({ hostOnly: undefined })), false, 'only a cookie known to be a domain cookie');
  assert.equal(isSharedBitwebCookie(null), false);
});

test('the removal names the cookie\'s own URL, store and partition', () => {
  assert.deepEqual(removalOf(cookie({ path: '/a' })), { url: 'http://bitweb.localhost/a', name: 'x', storeId: '0' });
  assert.deepEqual(removalOf(cookie({ secure: true, path: '' })), { url: 'https://bitweb.localhost/', name: 'x', storeId: '0' });
  assert.deepEqual(
    removalOf(cookie({ storeId: 'firefox-private', partitionKey: { topLevelSite: 'http://bitweb.localhost' }, firstPartyDomain: '' })),
    { url: 'http://bitweb.localhost/', name: 'x', storeId: 'firefox-private', partitionKey: { topLevelSite: 'http://bitweb.localhost' }, firstPartyDomain: '' },
  );
});
