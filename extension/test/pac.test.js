import assert from 'node:assert/strict';
import { test } from 'node:test';
import vm from 'node:vm';
import { bypassConditions, firefoxProxyInfo, pacProxyWord, pacScript } from '../src/pac.js';

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

test('Firefox proxy info: http proxy for *.bitweb, direct otherwise', () => {
  assert.deepEqual(firefoxProxyInfo(SITE, 47800), { type: 'http', host: '127.0.0.1', port: 47800 });
  assert.deepEqual(firefoxProxyInfo('https://example.org/', 47800), { type: 'direct' });
  assert.deepEqual(firefoxProxyInfo('not a url', 47800), { type: 'direct' });
  assert.throws(() => firefoxProxyInfo(SITE, 0), RangeError);
});

/** FindProxyForURL of a PAC source in a context with the PAC helpers a user's PAC may call. */
function pacFunction(source) {
  const context = vm.createContext({ shExpMatch: (s, p) => new RegExp(`^${p.replace(/[.]/g, '\\.').replace(/\*/g, '.*')}$`).test(s) });
  vm.runInContext(source, context);
  return (url) => context.FindProxyForURL(url, new URL(url).hostname.replace(/^\[|\]$/g, (m) => m));
}

test('a fixed single proxy is kept for everything but *.bitweb and loopback', () => {
  const find = pacFunction(pacScript(47800, '127.0.0.1', {
    kind: 'fixed',
    rules: { singleProxy: { scheme: 'http', host: '10.1.2.3', port: 3128 } },
  }));
  assert.equal(find(SITE), 'PROXY 127.0.0.1:47800');
  assert.equal(find('https://example.org/'), 'PROXY 10.1.2.3:3128');
  assert.equal(find('http://localhost:8080/'), 'DIRECT');
  assert.equal(find('http://x.bitweb.localhost:47800/'), 'DIRECT');
  assert.equal(find('http://127.0.0.2:5000/'), 'DIRECT');
});

test('per-scheme proxies, fallback and every bypass form', () => {
  const find = pacFunction(pacScript(47800, '127.0.0.1', {
    kind: 'fixed',
    rules: {
      proxyForHttp: { scheme: 'http', host: 'h.proxy', port: 80 },
      proxyForHttps: { scheme: 'https', host: 's.proxy', port: 443 },
      fallbackProxy: { scheme: 'socks5', host: 'f.proxy', port: 1080 },
      bypassList: ['<local>', '*.corp.example', '.intra', 'exact.example', '10.0.0.0/8', 'https://secure.example', 'ported.example:8443'],
    },
  }));
  assert.equal(find('http://a.example/'), 'PROXY h.proxy:80');
  assert.equal(find('ws://a.example/'), 'PROXY h.proxy:80');
  assert.equal(find('https://a.example/'), 'HTTPS s.proxy:443');
  assert.equal(find('ftp://a.example/'), 'SOCKS5 f.proxy:1080');
  assert.equal(find('http://printer/'), 'DIRECT', '<local>');
  assert.equal(find('http://wiki.corp.example/'), 'DIRECT');
  assert.equal(find('http://a.intra/'), 'DIRECT');
  assert.equal(find('http://exact.example/'), 'DIRECT');
  assert.equal(find('http://sub.exact.example/'), 'PROXY h.proxy:80', 'an exact entry does not cover subdomains');
  assert.equal(find('http://10.20.30.40/'), 'DIRECT');
  assert.equal(find('http://11.0.0.1/'), 'PROXY h.proxy:80');
  assert.equal(find('https://secure.example/'), 'DIRECT');
  assert.equal(find('http://secure.example/'), 'PROXY h.proxy:80', 'the scheme must match');
  assert.equal(find('https://ported.example:8443/'), 'DIRECT');
  assert.equal(find('https://ported.example/'), 'HTTPS s.proxy:443', 'the port must match');
  assert.equal(find(SITE), 'PROXY 127.0.0.1:47800');
});

test('<-loopback> removes the implicit loopback bypass', () => {
  const find = pacFunction(pacScript(47800, '127.0.0.1', {
    kind: 'fixed',
    rules: { singleProxy: { host: 'p', port: 1 }, bypassList: ['<-loopback>'] },
  }));
  assert.equal(find('http://localhost/'), 'PROXY p:1');
});

test('a person\'s PAC script runs in its own scope for every other host', () => {
  const theirs = 'var n = 0; function FindProxyForURL(url, host) { n++; return shExpMatch(host, "*.corp") ? "PROXY corp:8080" : "DIRECT"; }';
  const find = pacFunction(pacScript(47800, '127.0.0.1', { kind: 'pac', data: theirs }));
  assert.equal(find('http://wiki.corp/'), 'PROXY corp:8080');
  assert.equal(find('http://example.org/'), 'DIRECT');
  assert.equal(find(SITE), 'PROXY 127.0.0.1:47800');
  assert.throws(() => pacScript(47800, '127.0.0.1', { kind: 'pac', data: 'nothing here' }), RangeError);
  assert.throws(() => pacScript(47800, '127.0.0.1', { kind: 'nope' }), RangeError);
});

test('proxy words and bypass entries that would break the PAC source are refused', () => {
  assert.equal(pacProxyWord({ scheme: 'socks4', host: 's', port: 9 }), 'SOCKS s:9');
  assert.equal(pacProxyWord({ host: 'd' }), 'PROXY d:80');
  assert.equal(pacProxyWord({ scheme: 'https', host: '[::1]' }), 'HTTPS [::1]:443');
  assert.throws(() => pacProxyWord({ host: 'a"; evil(); "' }), RangeError);
  assert.throws(() => pacProxyWord({ scheme: 'gopher', host: 'g' }), RangeError);
  assert.throws(() => bypassConditions(['a b']), RangeError);
  assert.throws(() => bypassConditions(['1.2.3.4/40']), RangeError);
  assert.deepEqual(bypassConditions(['', '<-loopback>']), []);
});
