import assert from 'node:assert/strict';
import { test } from 'node:test';
import vm from 'node:vm';
import { firefoxProxyInfo, isBitwebHost, pacScript } from '../src/pac.js';

/** Evaluates the PAC source in a bare context, as a browser's PAC sandbox would. */
function findProxy(source, url) {
  const context = vm.createContext({});
  vm.runInContext(source, context);
  return context.FindProxyForURL(url, new URL(url).hostname);
}

const SITE = 'http://0123456789abcdef0123456789abcdef01234567.bitweb/index.html';

test('PAC sends *.bitweb to the gateway and everything else direct', () => {
  const pac = pacScript(47800);
  assert.equal(findProxy(pac, SITE), 'PROXY 127.0.0.1:47800');
  assert.equal(findProxy(pac, 'http://alice.bitweb/'), 'PROXY 127.0.0.1:47800');
  assert.equal(findProxy(pac, 'http://a.b.bitweb/x'), 'PROXY 127.0.0.1:47800');
  assert.equal(findProxy(pac, 'https://example.org/'), 'DIRECT');
  assert.equal(findProxy(pac, 'http://bitweb/'), 'DIRECT');
  assert.equal(findProxy(pac, 'http://notbitweb/'), 'DIRECT');
  assert.equal(findProxy(pac, 'http://x.bitweb.example.org/'), 'DIRECT');
  assert.equal(findProxy(pac, 'http://x.bitweb.localhost:47800/'), 'DIRECT');
  assert.equal(findProxy(pac, 'http://127.0.0.1:47800/'), 'DIRECT');
});

test('PAC matches hosts case-insensitively and with a trailing dot', () => {
  const pac = pacScript(51000);
  const context = vm.createContext({});
  vm.runInContext(pac, context);
  assert.equal(context.FindProxyForURL('http://Alice.BitWeb/', 'Alice.BitWeb'), 'PROXY 127.0.0.1:51000');
  assert.equal(context.FindProxyForURL('http://alice.bitweb./', 'alice.bitweb.'), 'PROXY 127.0.0.1:51000');
});

test('PAC has no DIRECT fallback for .bitweb (a dead gateway must not leak to DNS)', () => {
  assert.doesNotMatch(pacScript(47800), /PROXY [^"]*;/);
});

test('PAC generation rejects ports and hosts that are not plain values', () => {
  for (const port of [0, 65536, 1.5, '47800', null, undefined, NaN]) {
    assert.throws(() => pacScript(port), RangeError, `port ${String(port)}`);
  }
  assert.throws(() => pacScript(47800, '127.0.0.1"; alert(1); "'), RangeError);
  assert.equal(findProxy(pacScript(8080, 'localhost'), SITE), 'PROXY localhost:8080');
});

test('isBitwebHost', () => {
  assert.equal(isBitwebHost('x.bitweb'), true);
  assert.equal(isBitwebHost('X.BITWEB.'), true);
  assert.equal(isBitwebHost('bitweb'), false);
  assert.equal(isBitwebHost('.bitweb'), false);
  assert.equal(isBitwebHost('x.bitweb.localhost'), false);
  assert.equal(isBitwebHost(undefined), false);
});

test('Firefox proxy info: http proxy for *.bitweb, direct otherwise', () => {
  assert.deepEqual(firefoxProxyInfo(SITE, 47800), { type: 'http', host: '127.0.0.1', port: 47800 });
  assert.deepEqual(firefoxProxyInfo('https://example.org/', 47800), { type: 'direct' });
  assert.deepEqual(firefoxProxyInfo('not a url', 47800), { type: 'direct' });
  assert.throws(() => firefoxProxyInfo(SITE, 0), RangeError);
});
