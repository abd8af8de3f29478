// Content script on BitWeb pages (isolated world, every frame). Two kinds of link clicks
// are turned into something better than what the browser would do:
//   - magnet:?xt=urn:btih:… / magnet:?xs=urn:btpk:… and web+bitweb:… links open the site
//     they name (the background parses them and passes a magnet's peer hints to the engine);
//   - a link out of BitWeb (http/https to a host outside *.bitweb) shows the "leave BitWeb?"
//     page, because the isolation rules block a BitWeb page's navigation to the clear web;
//   - a link to another site's http://<site>.bitweb/ address is followed through the detour
//     port (http://<site>.bitweb:65535/...), which a redirect rule turns back into the site's
//     address before any connection: Firefox would otherwise ask DNS for the name's HTTPS
//     record (docs/PRIVACY.md, "DNS"). Only the URL changes, for the one click: where the link
//     opens (tab, frame, new tab) is the browser's as before. Links within the same site are
//     left alone (a site's script may read its own links' href, e.g. to route in the page).
// A classic script (content scripts cannot be modules): it only recognises candidates; the
// background decides. What is a BitWeb host comes from src/hosts.js, through the generated
// src/content/hosts.js that the manifest runs first (it defines isBitwebPageHost).
//
// Only a person's click counts: a page can click its own links from script (`a.click()`,
// `dispatchEvent(new MouseEvent('click'))`), and those events are not `isTrusted`. Such a
// click on one of these links is swallowed (no site opened, no peer hint passed to the
// engine, no leave page, and not the browser's own handling of it either, which for
// web+bitweb: in Firefox would open the site through the protocol handler).
(() => {
  'use strict';
  const api = globalThis.browser ?? globalThis.chrome;
  if (!api?.runtime?.sendMessage || typeof isBitwebPageHost !== 'function' || typeof isProxiedHost !== 'function') return;

  const SITE_LINK = /^(magnet:\?.*urn:bt(ih|pk):|web\+bitweb:)/i;
  const DETOUR_PORT = '65535'; // src/isolation.js, DETOUR_PORT

  /** For this click only, the anchor points at the detour address of `url`. */
  function detour(anchor, url) {
    const original = anchor.getAttribute('href');
    const via = new URL(url.href);
    via.port = DETOUR_PORT;
    anchor.setAttribute('href', via.href);
    setTimeout(() => {
      if (anchor.getAttribute('href') === via.href) anchor.setAttribute('href', original);
    }, 0);
  }

  function anchorOf(event) {
    const path = typeof event.composedPath === 'function' ? event.composedPath() : [event.target];
    for (const node of path) {
      if (node && node.nodeType === 1 && (node.localName === 'a' || node.localName === 'area') && node.hasAttribute('href')) {
        return node;
      }
    }
    return null;
  }

  function hrefOf(anchor) {
    const raw = anchor.getAttribute('href');
    try {
      return new URL(raw, document.baseURI).href;
    } catch {
      return raw;
    }
  }

  function onClick(event) {
    if (event.defaultPrevented || (event.button !== 0 && event.button !== 1)) return;
    const anchor = anchorOf(event);
    if (!anchor) return;
    const href = hrefOf(anchor);
    // Any click, a person's or the page's: it stays in BitWeb either way, and only the
    // address it asks for changes.
    const other = anotherProxiedSite(href, anchor);
    if (other) {
      detour(anchor, other);
      return;
    }
    if (!event.isTrusted) {
      if (SITE_LINK.test(href) || isOutside(href)) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
      return;
    }
    const target = (anchor.getAttribute('target') || '').toLowerCase();
    const newTab = event.button === 1 || event.ctrlKey || event.metaKey || event.shiftKey ||
      (target !== '' && target !== '_self' && target !== '_parent' && target !== '_top');
    if (SITE_LINK.test(href)) {
      event.preventDefault();
      event.stopImmediatePropagation();
      api.runtime.sendMessage({ type: 'open-link', link: href, newTab }).catch?.(() => {});
      return;
    }
    const outside = isOutside(href);
    if (outside) {
      event.preventDefault();
      event.stopImmediatePropagation();
      api.runtime.sendMessage({ type: 'leave', url: outside, newTab }).catch?.(() => {});
    }
  }

  /** The URL of a link to another site's http://<site>.bitweb/ address (no port), or null. */
  function anotherProxiedSite(href, anchor) {
    let url;
    try {
      url = new URL(href);
    } catch {
      return null;
    }
    const own = new URL(document.URL).hostname.replace(/\.$/, '').toLowerCase();
    return url.protocol === 'http:' && url.port === '' && isProxiedHost(url.hostname) && !anchor.hasAttribute('download')
      && url.hostname.replace(/\.$/, '').toLowerCase() !== own ? url : null;
  }

  /** The URL of an http(s) link out of BitWeb, or null. */
  function isOutside(href) {
    let url;
    try {
      url = new URL(href);
    } catch {
      return null;
    }
    return (url.protocol === 'http:' || url.protocol === 'https:') && !isBitwebPageHost(url.hostname) ? url.href : null;
  }

  // Capture phase on the window: runs before the page's own handlers can navigate.
  window.addEventListener('click', onClick, true);
  window.addEventListener('auxclick', onClick, true);
})();
