// Content script on BitWeb pages, in the page's own JS world (MAIN), at document_start, in
// every frame. WebRTC traffic (STUN/TURN over UDP) is not an HTTP request, so neither the
// declarativeNetRequest rules nor the gateway's CSP can stop it, and a page could use it to
// reach a server outside BitWeb and learn your IP address. This removes RTCPeerConnection
// before any page script runs, also in same-origin frames and windows the page creates and
// reaches through contentWindow, contentDocument or window.open.
//
// Limit (docs/EXTENSION.md): a frame reached only as window[0] before the browser ran this
// script in it is not covered; the browser-wide setting in the popup (WebRTC only through
// a proxy) is the complete answer.
(() => {
  'use strict';
  const MESSAGE = 'WebRTC is turned off on BitWeb sites: it would connect outside BitWeb and reveal your IP address.';
  const NAMES = ['RTCPeerConnection', 'webkitRTCPeerConnection', 'mozRTCPeerConnection'];
  const done = new WeakSet();

  function harden(win) {
    try {
      if (!win || done.has(win)) return;
      done.add(win);
    } catch {
      return; // a cross-origin window: not ours to touch, and its page is not BitWeb's
    }
    try {
      for (const name of NAMES) {
        if (!Object.prototype.hasOwnProperty.call(win, name)) continue;
        const DOMExceptionCtor = win.DOMException;
        const Blocked = function RTCPeerConnection() {
          throw new DOMExceptionCtor(MESSAGE, 'NotAllowedError');
        };
        Object.defineProperty(win, name, { value: Blocked, writable: false, configurable: false, enumerable: false });
      }
      for (const [ctor, prop] of [
        ['HTMLIFrameElement', 'contentWindow'],
        ['HTMLIFrameElement', 'contentDocument'],
        ['HTMLFrameElement', 'contentWindow'],
        ['HTMLFrameElement', 'contentDocument'],
        ['HTMLObjectElement', 'contentWindow'],
        ['HTMLObjectElement', 'contentDocument'],
      ]) {
        const proto = win[ctor] && win[ctor].prototype;
        const desc = proto && Object.getOwnPropertyDescriptor(proto, prop);
        if (!desc || typeof desc.get !== 'function') continue;
        const get = desc.get;
        Object.defineProperty(proto, prop, {
          configurable: desc.configurable,
          enumerable: desc.enumerable,
          get() {
            const value = get.call(this);
            try {
              harden(prop === 'contentWindow' ? value : value && value.defaultView);
            } catch {
              // cross-origin
            }
            return value;
          },
        });
      }
      const open = win.open;
      if (typeof open === 'function') {
        Object.defineProperty(win, 'open', {
          configurable: true,
          writable: true,
          value: function open_(...args) {
            const opened = open.apply(this, args);
            harden(opened);
            return opened;
          },
        });
      }
    } catch {
      // never break the page over this
    }
  }

  harden(window);
})();
