import assert from 'node:assert/strict';
import { test } from 'node:test';
import vm from 'node:vm';
import { Router } from '../src/routing.js';

function pacRouter({ saved, control = 'controlled_by_this_extension' } = {}) {
  const applied = [];
  const stored = [];
  const router = new Router({
    style: 'pac',
    setPacScript: async (data) => {
      applied.push(data);
      return control;
    },
    load: async () => saved,
    save: async (gateway) => stored.push(gateway),
  });
  return { router, applied, stored };
}

function proxyFor(pac, host) {
  const context = vm.createContext({});
  vm.runInContext(pac, context);
  return context.FindProxyForURL(`http://${host}/`, host);
}

test('routes with the saved port at once, before the host answers', async () => {
  const { router, applied } = pacRouter({ saved: { port: 51234 } });
  await router.ready();
  await router.ready(); // only once
  assert.equal(applied.length, 1);
  assert.equal(proxyFor(applied[0], 'x.bitweb'), 'PROXY 127.0.0.1:51234');
  assert.deepEqual(router.status, { style: 'pac', port: 51234, problem: null });
});

test('without a saved port the host default is used', async () => {
  const { router, applied } = pacRouter({ saved: { port: 'junk' } });
  await router.ready();
  assert.equal(proxyFor(applied[0], 'x.bitweb'), 'PROXY 127.0.0.1:47800');
});

test('a hello with a new port re-routes and is saved; the same port is not re-applied', async () => {
  const { router, applied, stored } = pacRouter();
  await router.useGateway({ gateway: 'http://127.0.0.1:48000', gatewayPort: 48000 });
  assert.equal(applied.length, 2);
  assert.equal(proxyFor(applied[1], 'x.bitweb'), 'PROXY 127.0.0.1:48000');
  assert.deepEqual(stored, [{ port: 48000, url: 'http://127.0.0.1:48000' }]);
  await router.useGateway({ gateway: 'http://127.0.0.1:48000', gatewayPort: 48000 });
  assert.equal(applied.length, 2);
});

test('a bad port from the host is a problem, not a route', async () => {
  const { router, applied } = pacRouter();
  const status = await router.useGateway({ gatewayPort: 0 });
  assert.equal(applied.length, 1);
  assert.match(status.problem, /no usable gateway port/);
});

test('another extension controlling the proxy is reported', async () => {
  const { router } = pacRouter({ control: 'controlled_by_other_extensions' });
  await router.ready();
  assert.match(router.status.problem, /Another extension/);
});

test('Firefox style: no PAC; the listener answers from the current port', async () => {
  const router = new Router({ style: 'listener', load: async () => ({ port: 47900 }), save: async () => {} });
  assert.deepEqual(await router.proxyInfo({ url: 'http://abc.bitweb/x' }), { type: 'http', host: '127.0.0.1', port: 47900 });
  assert.deepEqual(await router.proxyInfo({ url: 'http://example.org/' }), { type: 'direct' });
  await router.useGateway({ gatewayPort: 47950 });
  assert.deepEqual(await router.proxyInfo({ url: 'http://abc.bitweb/x' }), { type: 'http', host: '127.0.0.1', port: 47950 });
});

test('storage failing to load still routes with the default port', async () => {
  const router = new Router({ style: 'listener', load: async () => { throw new Error('no storage'); }, save: async () => {} });
  assert.deepEqual(await router.proxyInfo({ url: 'http://abc.bitweb/' }), { type: 'http', host: '127.0.0.1', port: 47800 });
});
