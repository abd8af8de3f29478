import assert from 'node:assert/strict';
import { test } from 'node:test';
import vm from 'node:vm';
import { Router } from '../src/routing.js';
import { RULE_IDS } from '../src/constants.js';

/** A fake chrome.proxy setting: `level` and `value` as the browser would report them. */
function fakeProxy({ level = 'controllable_by_this_extension', value = { mode: 'system' } } = {}) {
  const proxy = {
    applied: [],
    cleared: 0,
    level,
    value,
    ours: level === 'controlled_by_this_extension' ? { mode: 'pac_script', pacScript: { data: 'old' } } : null,
    async get() {
      if (proxy.ours && (proxy.level === 'controllable_by_this_extension' || proxy.level === 'controlled_by_this_extension')) {
        return { levelOfControl: 'controlled_by_this_extension', value: proxy.ours };
      }
      return { levelOfControl: proxy.level, value: proxy.value };
    },
    async set(data) {
      proxy.applied.push(data);
      if (proxy.level === 'controllable_by_this_extension' || proxy.level === 'controlled_by_this_extension') {
        proxy.ours = { mode: 'pac_script', pacScript: { data } };
        return 'controlled_by_this_extension';
      }
      return proxy.level;
    },
    async clear() {
      proxy.cleared += 1;
      proxy.ours = null;
      if (proxy.level === 'controlled_by_this_extension') proxy.level = 'controllable_by_this_extension';
    },
  };
  return proxy;
}

function setup({ style = 'pac', proxy = fakeProxy(), stored = {} } = {}) {
  const storage = { ...stored };
  const rules = new Map();
  const router = new Router({
    style,
    proxy: style === 'pac' ? proxy : undefined,
    updateRules: async (remove, add) => {
      for (const id of remove) rules.delete(id);
      for (const rule of add) rules.set(rule.id, rule);
    },

    get: async (key) => storage[key],
    set: async (key, value) => { storage[key] = value; },
  });
  return { router, proxy, storage, rules };
}

function proxyFor(pac, host) {
  const context = vm.createContext({});
  vm.runInContext(pac, context);
  return context.FindProxyForURL(`http://${host}/`, host);
}

test('routes with the saved port at once, before the host answers', async () => {
  const { router, proxy, rules } = setup({ stored: { gateway: { port: 51234 } } });
  await router.ready();
  await router.ready(); // only once
  assert.equal(proxy.applied.length, 1);
  assert.equal(proxyFor(proxy.applied[0], 'x.bitweb'), 'PROXY 127.0.0.1:51234');
  assert.equal(router.status.mode, 'proxy');
  assert.equal(router.status.port, 51234);
  assert.equal(router.status.problem, null);
  assert.match(router.status.notice, /system proxy/);
  assert.ok(rules.has(RULE_IDS.gatewayProbe), 'the gateway probe rule is set');
  assert.ok(!rules.has(RULE_IDS.subdomain), 'no subdomain redirect in proxy mode');
});

test('without a saved port the host default is used', async () => {
  const { router, proxy } = setup({ stored: { gateway: { port: 'junk' } } });
  await router.ready();
  assert.equal(proxyFor(proxy.applied[0], 'x.bitweb'), 'PROXY 127.0.0.1:47800');
});

test('a hello with a new port re-routes and is saved; the same port is not re-applied', async () => {
  const { router, proxy, storage, rules } = setup();
  await router.useGateway({ gateway: 'http://127.0.0.1:48000', gatewayPort: 48000 });
  assert.equal(proxy.applied.length, 2);
  assert.equal(proxyFor(proxy.applied[1], 'x.bitweb'), 'PROXY 127.0.0.1:48000');
  assert.equal(storage.gateway.port, 48000);
  assert.equal(storage.gateway.url, 'http://127.0.0.1:48000');
  assert.match(rules.get(RULE_IDS.gatewayProbe).condition.regexFilter, /:48000\//);
  await router.useGateway({ gateway: 'http://127.0.0.1:48000', gatewayPort: 48000 });
  assert.equal(proxy.applied.length, 2);
});

test('*.bitweb.localhost is allowed on the gateway\'s port only, following the port', async () => {
  const { router, rules } = setup();
  await router.ready();
  const allowed = () => new RegExp(rules.get(RULE_IDS.gatewayPort).condition.regexFilter);
  assert.ok(allowed().test('http://a.bitweb.localhost:47800/') && !allowed().test('http://a.bitweb.localhost:48000/'));
  await router.useGateway({ gateway: 'http://127.0.0.1:48000', gatewayPort: 48000 });
  assert.ok(allowed().test('http://a.bitweb.localhost:48000/') && !allowed().test('http://a.bitweb.localhost:47800/'));
  assert.deepEqual(rules.get(RULE_IDS.gatewayPortMainFrame).condition.resourceTypes, ['main_frame']);
  assert.equal(rules.get(RULE_IDS.gatewayPort).action.type, 'allow');
});

test('a bad port from the host is a problem, not a route', async () => {
  const { router, proxy } = setup();
  const status = await router.useGateway({ gatewayPort: 0 });
  assert.equal(proxy.applied.length, 1);
  assert.match(status.problem, /no usable gateway port/);
});

test('the person\'s fixed proxy is carried over and remembered as the baseline', async () => {
  const value = { mode: 'fixed_servers', rules: { singleProxy: { scheme: 'http', host: '10.1.2.3', port: 3128 } } };
  const { router, proxy, storage } = setup({ proxy: fakeProxy({ value }) });
  await router.ready();
  assert.equal(proxyFor(proxy.applied[0], 'x.bitweb'), 'PROXY 127.0.0.1:47800');
  assert.equal(proxyFor(proxy.applied[0], 'example.org'), 'PROXY 10.1.2.3:3128');
  assert.deepEqual(storage.proxyBaseline.value, value);
  assert.match(router.status.notice, /10\.1\.2\.3:3128/);
  // After a restart the setting is ours; the baseline says what the person had.
  const again = setup({ proxy, stored: storage });
  await again.router.useGateway({ gatewayPort: 47900 });
  assert.equal(proxyFor(proxy.applied.at(-1), 'example.org'), 'PROXY 10.1.2.3:3128');
  assert.equal(proxy.cleared, 0, 'no need to look underneath with a baseline');
});

test('ours without a baseline: look underneath once (clear, get), then take over', async () => {
  const proxy = fakeProxy({ level: 'controlled_by_this_extension', value: { mode: 'direct' } });
  const { router, storage } = setup({ proxy });
  await router.ready();
  assert.equal(proxy.cleared, 1);
  assert.deepEqual(storage.proxyBaseline.value, { mode: 'direct' });
  assert.equal(router.status.mode, 'proxy');
  assert.equal(router.status.notice, null);
});

test('another extension controlling the proxy: subdomain form, and the PAC is not touched', async () => {
  const { router, proxy, rules } = setup({ proxy: fakeProxy({ level: 'controlled_by_other_extensions' }) });
  await router.ready();
  assert.equal(proxy.applied.length, 0);
  assert.equal(router.status.mode, 'subdomain');
  assert.match(router.status.reason, /Another extension/);
  assert.equal(router.status.problem, null);
  assert.match(rules.get(RULE_IDS.subdomain).action.redirect.regexSubstitution, /bitweb\.localhost:47800/);
  assert.equal(router.pageUrl('abc', '/x?y'), 'http://abc.bitweb.localhost:47800/x?y');
});

test('a PAC URL is not clobbered: subdomain form with the reason', async () => {
  const proxy = fakeProxy({ value: { mode: 'pac_script', pacScript: { url: 'http://wpad.corp/proxy.pac' } } });
  const { router } = setup({ proxy });
  await router.ready();
  assert.equal(proxy.applied.length, 0);
  assert.equal(router.status.mode, 'subdomain');
  assert.match(router.status.reason, /wpad\.corp/);
});

test('choosing the subdomain form gives our PAC back; choosing auto takes it again', async () => {
  const { router, proxy, rules, storage } = setup({ proxy: fakeProxy({ value: { mode: 'direct' } }) });
  await router.ready();
  assert.equal(router.status.mode, 'proxy');
  await router.setPreference('subdomain');
  assert.equal(proxy.cleared, 1);
  assert.equal(router.status.mode, 'subdomain');
  assert.deepEqual(storage.routing, { preference: 'subdomain' });
  assert.ok(rules.has(RULE_IDS.subdomainMainFrame));
  await router.setPreference('auto');
  assert.equal(router.status.mode, 'proxy');
  assert.ok(!rules.has(RULE_IDS.subdomain));
  assert.equal(router.pageUrl('abc'), 'http://abc.bitweb/');
  await assert.rejects(router.setPreference('nonsense'), RangeError);
});

test('choosing the subdomain form puts its redirect in before it gives our PAC back', async () => {
  const proxy = fakeProxy({ value: { mode: 'direct' } });
  const { router, rules } = setup({ proxy });
  await router.ready();
  const order = [];
  const clear = proxy.clear;
  proxy.clear = async () => {
    order.push(rules.has(RULE_IDS.subdomainMainFrame) ? 'clear after the redirect' : 'clear before the redirect');
    return clear();
  };
  await router.setPreference('subdomain');
  // in between, a typed http://<site>.bitweb/ would go out directly and ask DNS about the name
  assert.deepEqual(order, ['clear after the redirect']);
  assert.equal(router.status.problem, null);
});

test('the saved preference is applied at start', async () => {
  const { router, proxy } = setup({ stored: { routing: { preference: 'subdomain' } } });
  await router.ready();
  assert.equal(router.status.mode, 'subdomain');
  assert.equal(proxy.applied.length, 0);
});

test('the browser refusing our PAC is a problem', async () => {
  const proxy = fakeProxy({ value: { mode: 'direct' } });
  proxy.set = async () => 'controlled_by_other_extensions';
  const { router } = setup({ proxy });
  await router.ready();
  assert.match(router.status.problem, /Another extension took over/);
});

test('refresh() decides again after someone else changed the setting', async () => {
  const proxy = fakeProxy({ value: { mode: 'direct' } });
  const { router } = setup({ proxy });
  await router.ready();
  assert.equal(router.status.mode, 'proxy');
  proxy.level = 'controlled_by_other_extensions';
  proxy.ours = null;
  await router.refresh();
  assert.equal(router.status.mode, 'subdomain');
});

test('Firefox style: no PAC; the listener answers from the current port', async () => {
  const { router } = setup({ style: 'listener', stored: { gateway: { port: 47900 } } });
  assert.deepEqual(await router.proxyInfo({ url: 'http://abc.bitweb/x' }), { type: 'http', host: '127.0.0.1', port: 47900 });
  assert.deepEqual(await router.proxyInfo({ url: 'http://example.org/' }), { type: 'direct' });
  await router.useGateway({ gatewayPort: 47950 });
  assert.deepEqual(await router.proxyInfo({ url: 'http://abc.bitweb/x' }), { type: 'http', host: '127.0.0.1', port: 47950 });
  assert.equal(router.status.style, 'listener');
  assert.equal(router.status.mode, 'proxy');
});

test('Firefox\'s proxy form: the extension opens sites through the detour port, and its rule is there only then', async () => {
  const { router, rules } = setup({ style: 'listener', stored: { gateway: { port: 47900 } } });
  await router.ready();
  assert.equal(router.pageUrl('abc', '/x?y'), 'http://abc.bitweb:65535/x?y', 'a port Firefox\'s HTTPS-First asks DNS nothing about');
  assert.ok(rules.has(RULE_IDS.detour));
  assert.deepEqual(await router.proxyInfo({ url: 'http://abc.bitweb:65535/x' }), { type: 'http', host: '127.0.0.1', port: 47900 },
    'without the rule the request still goes only to the gateway');
  await router.setPreference('subdomain');
  assert.equal(router.pageUrl('abc'), 'http://abc.bitweb.localhost:47900/', 'the subdomain form never asks DNS');
  assert.ok(!rules.has(RULE_IDS.detour));
  await router.setPreference('auto');
  assert.ok(rules.has(RULE_IDS.detour));
});

test('Chrome\'s proxy form opens sites at their own address (the PAC answers for them); the detour rule is there for links', async () => {
  const { router, rules } = setup({ proxy: fakeProxy({ value: { mode: 'direct' } }) });
  await router.ready();
  assert.equal(router.pageUrl('abc'), 'http://abc.bitweb/');
  assert.ok(rules.has(RULE_IDS.detour), 'the link content script detours in every browser');
});

test('storage failing to load still routes with the default port', async () => {
  const router = new Router({
    style: 'listener',
    get: async () => { throw new Error('no storage'); },
    set: async () => {},
  });
  assert.deepEqual(await router.proxyInfo({ url: 'http://abc.bitweb/' }), { type: 'http', host: '127.0.0.1', port: 47800 });
});

test('a failing rule update is reported as a problem', async () => {
  const router = new Router({
    style: 'listener',
    updateRules: async () => { throw new Error('quota'); },
    get: async () => undefined,
    set: async () => {},
  });
  await router.ready();
  assert.match(router.status.problem, /redirect rules: quota/);
});
