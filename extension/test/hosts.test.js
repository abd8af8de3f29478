// "Is this host BitWeb's?" has one answer, from src/hosts.js. This table is that answer, and
// every place that needs it is asked the same questions: the module's functions, the PAC
// script Chrome evaluates, Firefox's proxy listener, the content scripts' generated copy and
// the leave page.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import vm from 'node:vm';
import { generatedFiles } from '../build.mjs';
import {
  BITWEB_DOMAINS, PAGE_PATTERNS, SITE_PATTERNS, contentScriptSource, isBitwebPageHost, isProxiedHost, siteNameOfHost,
} from '../src/hosts.js';
import { leaveTarget } from '../src/leave-target.js';
import { firefoxProxyInfo, pacScript } from '../src/pac.js';

const HEX = '0123456789abcdef0123456789abcdef01234567';
const KEY = 'a'.repeat(52);

// host -> [proxied (the proxy form), a BitWeb page (either form), the site name it carries]
const HOSTS = {
  [`${HEX}.bitweb`]: [true, true, HEX],
  'alice.bitweb': [true, true, 'alice'],
  'X.BitWeb.': [true, true, 'x'],
  [`blog.${KEY}.bitweb`]: [true, true, `blog.${KEY}`],
  'a.b.c.bitweb': [true, true, null],
  'a_b.bitweb': [true, true, null],
  [`${HEX}.bitweb.localhost`]: [false, true, HEX],
  'x.BITWEB.localhost.': [false, true, 'x'],
  bitweb: [false, false, null],
  '.bitweb': [false, false, null],
  'bitweb.localhost': [false, false, null],
  'notbitweb': [false, false, null],
  'x.bitweb.com': [false, false, null],
  'x.bitwebb': [false, false, null],
  'x.bitweb.localhost.com': [false, false, null],
  'example.org': [false, false, null],
  '127.0.0.1': [false, false, null],
  localhost: [false, false, null],
  '': [false, false, null],
};

test('the rule, host by host', () => {
  for (const [host, [proxied, page, name]] of Object.entries(HOSTS)) {
    assert.equal(isProxiedHost(host), proxied, `isProxiedHost(${host})`);
    assert.equal(isBitwebPageHost(host), page, `isBitwebPageHost(${host})`);
    assert.equal(siteNameOfHost(host), name, `siteNameOfHost(${host})`);
  }
  for (const notText of [undefined, null, 42, {}, ['x.bitweb']]) {
    assert.equal(isProxiedHost(notText), false);
    assert.equal(isBitwebPageHost(notText), false);
    assert.equal(siteNameOfHost(notText), null);
  }
});

test('the PAC script and Firefox\'s proxy listener send exactly the proxied hosts to the gateway', () => {
  const context = vm.createContext({});
  vm.runInContext(pacScript(47800), context);
  for (const [host, [proxied]] of Object.entries(HOSTS)) {
    const url = `http://${host || 'x'}/`;
    assert.equal(context.FindProxyForURL(url, host), proxied ? 'PROXY 127.0.0.1:47800' : 'DIRECT', `PAC for ${host}`);
    if (!host) continue;
    const expected = proxied ? { type: 'http', host: '127.0.0.1', port: 47800 } : { type: 'direct' };
    assert.deepEqual(firefoxProxyInfo(url, 47800), expected, `Firefox for ${host}`);
  }
});

test('the content scripts\' copy is the module\'s function, and the build writes it', () => {
  assert.equal(generatedFiles()['src/content/hosts.js'], contentScriptSource());
  const context = vm.createContext({});
  vm.runInContext(contentScriptSource(), context);
  for (const [host, [, page]] of Object.entries(HOSTS)) {
    assert.equal(context.isBitwebPageHost(host), page, `content script for ${host}`);
  }
});

test('the leave page takes only links out of BitWeb', () => {
  for (const [host, [, page]] of Object.entries(HOSTS)) {
    if (!host || host.startsWith('.') || host.includes('_')) continue; // not a URL host
    const target = `https://${host}/x`;
    assert.equal(leaveTarget(`#${encodeURIComponent(target)}`) === null, page, `leave to ${host}`);
  }
});

test('the patterns and domains name the same two suffixes', () => {
  assert.deepEqual(PAGE_PATTERNS, BITWEB_DOMAINS.map((d) => `*://*.${d}/*`));
  assert.deepEqual(SITE_PATTERNS, [`*://*.${BITWEB_DOMAINS[0]}/*`]);
});
