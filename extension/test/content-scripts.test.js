// The two content scripts are classic scripts that run in pages; here they run in node:vm
// against small fakes of the DOM pieces they touch.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import vm from 'node:vm';
import { contentScriptSource } from '../src/hosts.js';

const source = (name) => readFileSync(new URL(`../src/content/${name}`, import.meta.url), 'utf8');

// ---- links.js ----

function linksHarness(baseURI = 'http://0123456789abcdef0123456789abcdef01234567.bitweb/page.html') {
  const handlers = {};
  const sent = [];
  const timers = [];
  const context = vm.createContext({
    URL,
    setTimeout: (fn) => timers.push(fn),
    chrome: { runtime: { sendMessage: (message) => { sent.push(JSON.parse(JSON.stringify(message))); return Promise.resolve({ ok: true }); } } },
    window: { addEventListener: (type, fn, capture) => { handlers[type] = { fn, capture }; } },
    document: { baseURI, URL: baseURI },
  });
  // as the manifest lists them: the generated host check first, then links.js
  vm.runInContext(contentScriptSource(), context);
  vm.runInContext(source('links.js'), context);
  const click = (href, { button = 0, target = '', ctrlKey = false, localName = 'a', type = 'click', isTrusted = true, download = false } = {}) => {
    const attributes = { href, target, ...(download ? { download: '' } : {}) };
    const anchor = {
      nodeType: 1,
      localName,
      hasAttribute: (n) => attributes[n] !== undefined && attributes[n] !== null,
      getAttribute: (n) => attributes[n] ?? null,
      setAttribute: (n, v) => { attributes[n] = v; },
    };
    const span = { nodeType: 1, localName: 'span', hasAttribute: () => false };
    const event = {
      isTrusted, button, ctrlKey, metaKey: false, shiftKey: false, defaultPrevented: false, stopped: false,
      composedPath: () => [span, anchor, { nodeType: 9 }],
      preventDefault() { this.defaultPrevented = true; },
      stopImmediatePropagation() { this.stopped = true; },
    };
    handlers[type].fn(event);
    event.hrefDuringClick = attributes.href; // what the browser follows once the listeners ran
    for (const fn of timers.splice(0)) fn();
    event.hrefAfter = attributes.href;
    return event;
  };
  return { handlers, sent, click };
}

test('links.js listens in the capture phase for clicks and middle clicks', () => {
  const { handlers } = linksHarness();
  assert.equal(handlers.click.capture, true);
  assert.equal(handlers.auxclick.capture, true);
});

test('magnet and web+bitweb links are sent to the background instead of the OS', () => {
  const { sent, click } = linksHarness();
  const magnet = 'magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567&dn=x';
  assert.equal(click(magnet).defaultPrevented, true);
  assert.equal(click('magnet:?xs=urn:btpk:' + 'a'.repeat(64), { target: '_blank' }).defaultPrevented, true);
  assert.equal(click('web+bitweb://abc/', { button: 1, type: 'auxclick' }).defaultPrevented, true);
  assert.deepEqual(sent, [
    { type: 'open-link', link: magnet, newTab: false },
    { type: 'open-link', link: `magnet:?xs=urn:btpk:${'a'.repeat(64)}`, newTab: true },
    { type: 'open-link', link: 'web+bitweb://abc/', newTab: true },
  ]);
});

test('a link out of BitWeb goes to the leave page; links within BitWeb and other schemes are left alone', () => {
  const { sent, click } = linksHarness();
  assert.equal(click('https://example.org/a').defaultPrevented, true);
  assert.equal(click('//cdn.example/x', { ctrlKey: true }).defaultPrevented, true);
  assert.deepEqual(sent, [
    { type: 'leave', url: 'https://example.org/a', newTab: false },
    { type: 'leave', url: 'http://cdn.example/x', newTab: true },
  ]);
  for (const href of ['other.html', '/x', 'http://ffff.bitweb/', 'http://a.bitweb.localhost:47800/', 'mailto:a@b.c', 'magnet:?xt=urn:ed2k:x', '#top']) {
    assert.equal(click(href).defaultPrevented, false, href);
  }
  assert.equal(click('https://example.org/', { button: 2 }).defaultPrevented, false, 'right click');
  assert.equal(sent.length, 2);
});

test('a click the page made itself (not isTrusted) opens nothing, sends nothing and is swallowed', () => {
  const { sent, click } = linksHarness();
  for (const href of ['magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567&x.pe=192.168.1.1:22', 'web+bitweb://abc/', 'https://example.org/a']) {
    for (const type of ['click', 'auxclick']) {
      const event = click(href, { isTrusted: false, type, button: type === 'auxclick' ? 1 : 0 });
      assert.equal(event.defaultPrevented, true, `${type} ${href}: the browser must not follow it either`);
    }
  }
  assert.equal(click('other.html', { isTrusted: false }).defaultPrevented, false, 'a link within the site is the page\'s business');
  assert.deepEqual(sent, []);
});

test('a link to another site\'s http://<site>.bitweb/ address is followed through the detour port, for that click only', () => {
  const { sent, click } = linksHarness();
  const other = 'http://ffff.bitweb/a/b?c=d#e';
  const event = click(other);
  assert.equal(event.defaultPrevented, false, 'the browser follows it, where the link says');
  assert.equal(event.hrefDuringClick, 'http://ffff.bitweb:65535/a/b?c=d#e');
  assert.equal(event.hrefAfter, other, 'the page sees its own href again');
  assert.equal(click('http://blog.' + 'a'.repeat(52) + '.bitweb/', { target: '_blank' }).hrefDuringClick, `http://blog.${'a'.repeat(52)}.bitweb:65535/`);
  for (const href of [
    '/x', 'other.html', '#top', // the same site: its own script may route on them
    'http://0123456789ABCDEF0123456789ABCDEF01234567.bitweb/y', // the same site, spelled in capitals
    'http://ffff.bitweb:8080/', // a port already: nothing to ask DNS about
    'http://ffff.bitweb.localhost:47800/', // the subdomain form never asks DNS
  ]) {
    assert.equal(click(href).hrefDuringClick, href, href);
  }
  assert.equal(click(other, { download: true }).hrefDuringClick, other, 'a download is no page load');
  assert.equal(click(other, { isTrusted: false }).hrefDuringClick, 'http://ffff.bitweb:65535/a/b?c=d#e', 'a click the page makes stays in BitWeb: the detour asks DNS nothing either');
  assert.deepEqual(sent, []);
});

// ---- webrtc.js ----

class FakeDOMException extends Error {
  constructor(message, name) {
    super(message);
    this.name = name;
  }
}

/** A window-like realm with WebRTC, frames whose contentWindow is another realm, and open(). */
function makeWindow(depth = 0) {
  const win = {
    DOMException: FakeDOMException,
    RTCPeerConnection: function RTCPeerConnection() { this.real = true; },
    webkitRTCPeerConnection: function webkitRTCPeerConnection() { this.real = true; },
  };
  class HTMLIFrameElement {
    constructor() { this.inner = depth < 2 ? makeWindow(depth + 1) : null; }
  }
  Object.defineProperty(HTMLIFrameElement.prototype, 'contentWindow', { configurable: true, enumerable: true, get() { return this.inner; } });
  Object.defineProperty(HTMLIFrameElement.prototype, 'contentDocument', { configurable: true, enumerable: true, get() { return this.inner ? { defaultView: this.inner } : null; } });
  win.HTMLIFrameElement = HTMLIFrameElement;
  win.open = () => makeWindow(depth + 1);
  return win;
}

function runWebrtc(win) {
  vm.runInContext(source('webrtc.js'), vm.createContext({ window: win, Object, WeakSet }));
  return win;
}

const attempt = (Ctor) => {
  try {
    new Ctor(); // eslint-disable-line no-new
    return 'created';
  } catch (error) {
    return error.name;
  }
};

test('webrtc.js removes RTCPeerConnection for good', () => {
  const win = runWebrtc(makeWindow());
  assert.equal(attempt(win.RTCPeerConnection), 'NotAllowedError');
  assert.equal(attempt(win.webkitRTCPeerConnection), 'NotAllowedError');
  assert.throws(() => { win.RTCPeerConnection = function Again() {}; }, TypeError);
  assert.equal(attempt(win.RTCPeerConnection), 'NotAllowedError', 'the page cannot put it back');
  assert.throws(() => Object.defineProperty(win, 'RTCPeerConnection', { value: 1 }), TypeError);
});

test('webrtc.js also covers frames reached through contentWindow / contentDocument and window.open', () => {
  const win = runWebrtc(makeWindow());
  const frame = new win.HTMLIFrameElement();
  assert.equal(attempt(frame.contentWindow.RTCPeerConnection), 'NotAllowedError');
  const other = new win.HTMLIFrameElement();
  assert.equal(attempt(other.contentDocument.defaultView.RTCPeerConnection), 'NotAllowedError');
  const nested = new frame.contentWindow.HTMLIFrameElement();
  assert.equal(attempt(nested.contentWindow.RTCPeerConnection), 'NotAllowedError', 'frames of frames');
  assert.equal(attempt(win.open('about:blank').RTCPeerConnection), 'NotAllowedError');
});

test('webrtc.js never breaks a page: cross-origin frames and missing APIs are fine', () => {
  const win = makeWindow();
  delete win.webkitRTCPeerConnection;
  const crossOrigin = new Proxy({}, { get() { throw new FakeDOMException('blocked', 'SecurityError'); }, has() { throw new FakeDOMException('blocked', 'SecurityError'); } });
  Object.defineProperty(win.HTMLIFrameElement.prototype, 'contentWindow', { configurable: true, get() { return crossOrigin; } });
  runWebrtc(win);
  assert.equal(new win.HTMLIFrameElement().contentWindow, crossOrigin);
  assert.equal(win.webkitRTCPeerConnection, undefined);
});
