import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCode } from '../src/error-codes.js';
import { ErrorKind, HostError, NativeHost, checkHello, disconnectError } from '../src/native.js';
import { REQUIRED_PROTOCOL } from '../src/constants.js';

// No fixed sleeps: a test waits for what it needs to have happened (waitFor, bounded), and
// one that shows something does NOT happen later (a retry) runs every timer the host left
// with node:test's mock timers instead of waiting and hoping.

// Captured before any test mocks setTimeout, so waitFor keeps polling on real time.
const realSetTimeout = globalThis.setTimeout;

/** Resolves once `condition()` is truthy; fails after `timeoutMs` saying what it waited for. */
async function waitFor(what, condition, timeoutMs = 2_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => realSetTimeout(resolve, 1));
  }
}

const HELLO = { protocol: REQUIRED_PROTOCOL, version: '0.3.0', gateway: 'http://127.0.0.1:47800', gatewayPort: 47800, peerPort: 47801 };
const quiet = { warn() {} };

/** A native port the test drives: it records what the extension posts and answers on demand. */
class FakePort {
  sent = [];
  closed = false;
  #message = () => {};
  #disconnect = () => {};

  constructor(respond) {
    this.respond = respond;
  }

  post(message) {
    if (this.closed) throw new Error('Attempting to use a disconnected port object');
    this.sent.push(message);
    queueMicrotask(() => this.respond?.(message, this));
  }

  onMessage(listener) { this.#message = listener; }
  onDisconnect(listener) { this.#disconnect = listener; }
  close() { this.closed = true; }

  /** The host sends a message. */
  deliver(message) { this.#message(message); }
  /** The browser closes the port, saying `reason`. */
  drop(reason = '') {
    this.closed = true;
    this.#disconnect(reason);
  }
  ok(request, data) { this.deliver({ id: request.id, action: request.action, ok: true, data }); }
}

/** Answers hello with `hello`; other requests go to `handler` (or stay unanswered). */
function helloResponder(hello = HELLO, handler = null) {
  return (message, port) => {
    if (message.action === 'hello') port.ok(message, hello);
    else handler?.(message, port);
  };
}

function setup({ respond = helloResponder(), ...options } = {}) {
  const ports = [];
  const names = [];
  const host = new NativeHost({
    client: 'bitweb-extension/0.1.0-test',
    reconnect: false,
    log: quiet,
    connect: (name) => {
      names.push(name);
      const port = new FakePort(respond);
      ports.push(port);
      return port;
    },
    ...options,
  });
  return { host, ports, names };
}

test('connects to org.bitweb.host and says hello first with protocol and client', async () => {
  const { host, ports, names } = setup();
  const info = await host.connect();
  assert.deepEqual(names, ['org.bitweb.host']);
  assert.deepEqual(info, HELLO);
  assert.deepEqual(ports[0].sent, [{ protocol: REQUIRED_PROTOCOL, client: 'bitweb-extension/0.1.0-test', id: 1, action: 'hello' }]);
  assert.deepEqual(host.snapshot, { state: 'connected', info: HELLO, error: null });
});

test('requests connect lazily and share one connection', async () => {
  const { host, ports } = setup({
    respond: helloResponder(HELLO, (message, port) => port.ok(message, { echo: message.action })),
  });
  const [a, b] = await Promise.all([host.request('status'), host.request('sites.list')]);
  assert.equal(ports.length, 1);
  assert.deepEqual(a, { echo: 'status' });
  assert.deepEqual(b, { echo: 'sites.list' });
  assert.deepEqual(ports[0].sent.map((m) => m.action), ['hello', 'status', 'sites.list']);
});

test('replies are matched to requests by id, in any order', async () => {
  const held = [];
  const { host, ports } = setup({ respond: helloResponder(HELLO, (message) => held.push(message)) });
  await host.connect();
  const first = host.request('sites.list');
  const second = host.request('status');
  await waitFor('both requests to reach the host', () => held.length === 2);
  const [m1, m2] = held;
  assert.notEqual(m1.id, m2.id);
  ports[0].deliver({ id: m2.id, action: 'status', ok: true, data: { which: 'second' } });
  ports[0].deliver({ id: m1.id, action: 'sites.list', ok: true, data: { which: 'first' } });
  assert.deepEqual(await first, { which: 'first' });
  assert.deepEqual(await second, { which: 'second' });
});

test('params are sent with the request; id and action cannot be overridden', async () => {
  const { host, ports } = setup({ respond: helloResponder(HELLO, (m, p) => p.ok(m, {})) });
  await host.request('sites.list', { filter: 'seeding', id: 99, action: 'evil' });
  const sent = ports[0].sent[1];
  assert.equal(sent.action, 'sites.list');
  assert.equal(sent.id, 2);
  assert.equal(sent.filter, 'seeding');
});

test('an ok:false reply rejects with the host error code and message', async () => {
  const { host } = setup({
    respond: helloResponder(HELLO, (m, p) =>
      p.deliver({ id: m.id, action: m.action, ok: false, error: { code: 404, message: 'no such site' } })),
  });
  await assert.rejects(host.request('sites.list'), (error) => {
    assert.ok(error instanceof HostError);
    assert.equal(error.kind, ErrorKind.HOST);
    assert.equal(error.code, 404);
    assert.equal(error.message, 'no such site');
    assert.deepEqual(error.toJSON(), { kind: 'host', message: 'no such site', code: 404, action: 'sites.list' });
    return true;
  });
  assert.equal(host.snapshot.state, 'connected', 'a host error does not drop the connection');
});

test('a request without a reply times out; a late reply is dropped', async () => {
  let late;
  const { host, ports } = setup({ timeoutMs: 20, respond: helloResponder(HELLO, (m) => { late = m; }) });
  await assert.rejects(host.request('status'), (error) => error.kind === ErrorKind.TIMEOUT && /"status"/.test(error.message));
  ports[0].deliver({ id: late.id, action: 'status', ok: true, data: {} }); // must not throw
  assert.equal(host.snapshot.state, 'connected');
});

test('a hello without a reply times out and the port is closed', async () => {
  const { host, ports } = setup({ helloTimeoutMs: 20, respond: () => {} });
  await assert.rejects(host.connect(), (error) => error.kind === ErrorKind.TIMEOUT);
  assert.equal(ports[0].closed, true);
  assert.equal(host.snapshot.state, 'error');
});

test('host not installed (Chrome wording) names installer/install.sh and is not retried', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { host, ports } = setup({
    respond: (m, port) => port.drop('Specified native messaging host not found.'),
    reconnect: { initialDelayMs: 5, maxDelayMs: 10 },
  });
  await assert.rejects(host.connect(), (error) => {
    assert.equal(error.kind, ErrorKind.NOT_INSTALLED);
    assert.match(error.message, /installer\/install\.sh/);
    return true;
  });
  t.mock.timers.runAll(); // a retry, had one been scheduled, would run now
  assert.equal(ports.length, 1, 'no automatic retry when the user must act');
  assert.equal(host.snapshot.error.kind, 'not-installed');
  // the next request tries again (the user may have run the installer meanwhile)
  await assert.rejects(host.request('status'), (error) => error.kind === ErrorKind.NOT_INSTALLED);
  assert.equal(ports.length, 2);
});

test('browser messages are classified', () => {
  const kind = (message) => disconnectError(message).kind;
  assert.equal(kind('Specified native messaging host not found.'), 'not-installed');
  assert.equal(kind('No such native application org.bitweb.host'), 'not-installed');
  assert.equal(kind('Access to the specified native messaging host is forbidden.'), 'forbidden');
  assert.equal(kind('Failed to start native messaging host.'), 'failed-to-start');
  assert.equal(kind('Error when communicating with the native messaging host.'), 'protocol');
  assert.equal(kind('Native host has exited.'), 'exited');
  assert.equal(kind(''), 'exited');
  assert.equal(kind(undefined), 'exited');
});

test('connectNative throwing synchronously is reported like a disconnect', async () => {
  const host = new NativeHost({
    client: 'bitweb-extension/test',
    reconnect: false,
    log: quiet,
    connect: () => { throw new Error('No such native application org.bitweb.host'); },
  });
  await assert.rejects(host.connect(), (error) => error.kind === ErrorKind.NOT_INSTALLED);
  assert.equal(host.snapshot.state, 'error');
});

test('a disconnect fails pending requests, then the host reconnects with backoff', async () => {
  const states = [];
  const { host, ports } = setup({ reconnect: { initialDelayMs: 5, maxDelayMs: 20 } });
  host.onState((s) => states.push(s.state));
  await host.connect();
  const pending = host.request('status'); // never answered
  await waitFor('the request to reach the host', () => ports[0].sent.length === 2);
  ports[0].drop('Native host has exited.');
  await assert.rejects(pending, (error) => error.kind === ErrorKind.EXITED);
  assert.equal(host.snapshot.state, 'error');
  await waitFor('the reconnection', () => host.snapshot.state === 'connected');
  assert.equal(ports.length, 2, 'reconnected once');
  assert.equal(host.snapshot.state, 'connected');
  assert.deepEqual(states, ['connecting', 'connected', 'error', 'connecting', 'connected']);
  host.close();
});

test('messages from a dropped port are ignored', async () => {
  const { host, ports } = setup();
  await host.connect();
  ports[0].drop('');
  ports[0].deliver({ event: 'site.updated', data: {} }); // stale: must not reach listeners
  let events = 0;
  host.onEvent(() => { events += 1; });
  ports[0].deliver({ event: 'site.updated', data: {} });
  assert.equal(events, 0);
});

test('protocol check: an older host is refused with "wrong host version"', async () => {
  const { host, ports } = setup({ respond: helloResponder({ ...HELLO, protocol: 0 }), requiredProtocol: 1 });
  await assert.rejects(host.connect(), (error) => {
    assert.equal(error.kind, ErrorKind.INCOMPATIBLE);
    assert.match(error.message, /^wrong host version: run installer\/install\.sh/);
    assert.match(error.message, /protocol 0.*needs 1/);
    return true;
  });
  assert.equal(ports[0].closed, true);
  assert.equal(host.snapshot.state, 'error');
});

test('protocol check: a version 3 engine (site.fetch without from: a page\'s LAN hints unfiltered) is refused by default', () => {
  assert.equal(REQUIRED_PROTOCOL, 4);
  assert.equal(checkHello({ ...HELLO, protocol: 3 }).kind, ErrorKind.INCOMPATIBLE);
  assert.equal(checkHello({ ...HELLO, protocol: 4 }), null);
});

test('protocol check: a newer host is fine; a missing version is not', () => {
  assert.equal(checkHello({ ...HELLO, protocol: 2 }, 1), null);
  assert.equal(checkHello({ ...HELLO, protocol: 1 }, 1), null);
  assert.equal(checkHello({ gatewayPort: 1 }, 1).kind, ErrorKind.INCOMPATIBLE);
  assert.equal(checkHello({ protocol: '1' }, 1).kind, ErrorKind.INCOMPATIBLE);
  assert.equal(checkHello(null, 1).kind, ErrorKind.PROTOCOL);
});

test('a host that rejects hello is incompatible', async () => {
  const { host } = setup({
    respond: (m, p) => p.deliver({ id: m.id, action: m.action, ok: false, error: { code: 1, message: 'unknown action hello' } }),
  });
  await assert.rejects(host.connect(), (error) => error.kind === ErrorKind.INCOMPATIBLE && /unknown action hello/.test(error.message));
});

test('malformed messages are dropped; a reply to another action is a protocol error', async () => {
  const { host, ports } = setup({
    respond: helloResponder(HELLO, (m, p) => {
      p.deliver('not an object');
      p.deliver(null);
      p.deliver([1, 2]);
      p.deliver({ id: 12345, action: 'status', ok: true, data: {} });
      p.deliver({ id: m.id, action: 'other', ok: true, data: {} });
    }),
  });
  await assert.rejects(host.request('status'), (error) => error.kind === ErrorKind.PROTOCOL && /"other"/.test(error.message));
  assert.equal(ports.length, 1);
});

test('a reply without ok is a protocol error', async () => {
  const { host } = setup({ respond: helloResponder(HELLO, (m, p) => p.deliver({ id: m.id, action: m.action, data: {} })) });
  await assert.rejects(host.request('status'), (error) => error.kind === ErrorKind.PROTOCOL);
});

test('pushed events reach event listeners', async () => {
  const { host, ports } = setup();
  await host.connect();
  const events = [];
  host.onEvent((e) => events.push(e));
  ports[0].deliver({ event: 'site.progress', data: { done: 3 } });
  assert.deepEqual(events, [{ event: 'site.progress', data: { done: 3 } }]);
});

test('close() fails pending requests with "closed" and does not reconnect', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { host, ports } = setup({ reconnect: { initialDelayMs: 5, maxDelayMs: 5 } });
  await host.connect();
  const pending = host.request('status');
  await waitFor('the request to reach the host', () => ports[0].sent.length === 2);
  host.close();
  await assert.rejects(pending, (error) => error.kind === ErrorKind.CLOSED);
  assert.equal(ports[0].closed, true);
  t.mock.timers.runAll(); // a reconnection, had one been scheduled, would run now
  assert.equal(ports.length, 1);
  assert.equal(host.snapshot.state, 'idle');
});

test('posting on a port the browser already closed is a disconnect error', async () => {
  const { host, ports } = setup();
  await host.connect();
  ports[0].closed = true; // closed, but the browser has not told us yet
  await assert.rejects(host.request('status'), (error) => error.kind === ErrorKind.EXITED);
});

test('the constructor insists on connect and client', () => {
  assert.throws(() => new NativeHost({ client: 'x' }), TypeError);
  assert.throws(() => new NativeHost({ connect: () => {} }), TypeError);
});

test('a host that cannot reach its engine (code 7) is "engine unavailable", on hello and later, and is retried', async () => {
  const { host, ports } = setup({
    respond: (m, p) => p.deliver({ id: m.id, action: m.action, ok: false, error: { code: 7, message: 'port 47800 is taken' } }),
    reconnect: { initialDelayMs: 5, maxDelayMs: 10 },
  });
  await assert.rejects(host.connect(), (error) => {
    assert.equal(error.kind, ErrorKind.ENGINE);
    assert.equal(error.code, 7);
    assert.equal(error.message, 'port 47800 is taken');
    return true;
  });
  assert.equal(host.snapshot.error.kind, 'engine-unavailable');
  await waitFor('the retry', () => ports.length >= 2);
  host.close();

  const later = setup({
    respond: helloResponder(HELLO, (m, p) => p.deliver({ id: m.id, action: m.action, ok: false, error: { code: ErrorCode.ENGINE_UNAVAILABLE, message: 'gone' } })),
  });
  await assert.rejects(later.host.request('sites.list'), (error) => error.kind === ErrorKind.ENGINE && error.code === 7);
});
