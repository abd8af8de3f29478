// The isolation rules, as data. build.mjs writes `isolationRules()` to rules/isolation.json,
// a static declarativeNetRequest ruleset: it is on from the moment the extension is
// installed, whether or not the background ever runs, and no bug in our code can turn it off.
//
//  1. A page on *.bitweb (or *.bitweb.localhost) reaches nothing outside them: every
//     subresource, fetch/XHR, WebSocket, beacon/ping, frame, media, font, worker import...
//  2. ...and cannot navigate the tab (or a new one) out of BitWeb either: links, forms,
//     `location = ...`, `window.open(...)`. The content script turns a person's click on an
//     outside link into a "leave BitWeb?" page instead (the browser-initiated navigation
//     from there, or from the address bar, has no initiator and passes).
//  3. A clear-web page cannot load anything from *.bitweb: no <img>, fetch, frame or
//     prefetch that would tell a tracker you run BitWeb or make you download a site.
//     Top-level navigation stays allowed: that is how a person follows a link to a site.
//
// `initiatorDomains: ["bitweb"]` matches the initiator `x.bitweb` (a domain and all of its
// subdomains; a TLD is a domain like any other), and "bitweb.localhost" matches
// `x.bitweb.localhost` whatever the port (rules 4 and 5, with gatewayPortRules(), narrow that to
// the gateway's port). A condition without `resourceTypes` matches every type except
// main_frame, in every browser, so no browser-specific type list is needed.
//
// What these rules cannot see is written down in docs/EXTENSION.md (opaque initiators such
// as sandboxed frames, WebRTC, DNS prefetch); the gateway's CSP and the WebRTC content
// script cover part of it.

import { RULE_IDS, RULE_PRIORITY } from './constants.js';
import { BITWEB_DOMAINS, SITE_NAME, isBitwebPageHost } from './hosts.js';

/** Where build.mjs writes the ruleset; manifest/common.json names the same file. */
export const ISOLATION_RULESET_PATH = 'rules/isolation.json';


const block = { type: 'block' };
const LOOPBACK_DOMAIN = 'bitweb.localhost';

export function isolationRules() {
  const domains = [...BITWEB_DOMAINS];
  return [
    {
      id: 1,
      priority: RULE_PRIORITY.isolation,
      action: block,
      condition: { initiatorDomains: domains, excludedRequestDomains: domains },
    },
    {
      id: 2,
      priority: RULE_PRIORITY.isolation,
      action: block,
      condition: { initiatorDomains: domains, excludedRequestDomains: domains, resourceTypes: ['main_frame'] },
    },
    {
      id: 3,
      priority: RULE_PRIORITY.isolation,
      action: block,
      condition: { requestDomains: domains, excludedInitiatorDomains: domains },
    },
    // 4 and 5: nothing reaches *.bitweb.localhost at all, from anywhere (navigations
    // included), but on the gateway's port, which gatewayPortRules() allows once the port
    // is known. Every *.localhost name is loopback, and rule 1 lets a BitWeb page reach
    // bitweb.localhost at any port: without these a page on a.bitweb.localhost:47800 could
    // reach b.bitweb.localhost:6379, i.e. any service on this machine.
    {
      id: 4,
      priority: RULE_PRIORITY.loopbackPorts,
      action: block,
      condition: { requestDomains: [LOOPBACK_DOMAIN] },
    },
    {
      id: 5,
      priority: RULE_PRIORITY.loopbackPorts,
      action: block,
      condition: { requestDomains: [LOOPBACK_DOMAIN], resourceTypes: ['main_frame'] },
    },
  ];
}

/**
 * A dynamic rule that blocks every request straight to the gateway's port on loopback
 * (`http://127.0.0.1:<port>/`, `localhost`, `0.0.0.0`, IPv6 loopback forms): only the
 * browser's proxy connection, which no rule sees, should reach it. It keeps a web page from
 * detecting BitWeb by probing the port. Navigations are left alone (the gateway answers
 * those with a page naming the two address forms).
 */
export function gatewayProbeRule(port) {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`bad gateway port ${port}`);
  return {
    id: RULE_IDS.gatewayProbe,
    priority: RULE_PRIORITY.gatewayProbe,
    action: block,
    condition: {
      regexFilter: `^[a-z]+://(127\\.0\\.0\\.1|localhost|0\\.0\\.0\\.0|\\[::1\\]|\\[::ffff:(7f00:1|127\\.0\\.0\\.1)\\])\\.?:${port}/`,
    },
  };
}

/**
 * Two allow rules (every type, and main_frame) for `*.bitweb.localhost` on the gateway's
 * `port`: the only port of those names a request may use. Isolation rule 4 blocks every other
 * one at a lower priority; these allow rules lose to pet-name redirects (which keep the port)
 * and to the isolation rules 1-3. A gateway on 80 or 443 is written without a port.
 */
export function gatewayPortRules(port) {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`bad gateway port ${port}`);
  const host = '(?:[^/?#]*\\.)?bitweb\\.localhost\\.?';
  const regexFilter = port === 80 ? `^(?:http|ws)://${host}/`
    : port === 443 ? `^(?:https|wss)://${host}/`
      : `^[a-z][a-z0-9+.-]*://${host}:${port}/`;
  const allow = { type: 'allow' };
  return [
    { id: RULE_IDS.gatewayPort, priority: RULE_PRIORITY.gatewayPort, action: allow, condition: { regexFilter } },
    { id: RULE_IDS.gatewayPortMainFrame, priority: RULE_PRIORITY.gatewayPort, action: allow, condition: { regexFilter, resourceTypes: ['main_frame'] } },
  ];
}

/**
 * The subdomain form: redirect `http://<label>.bitweb/...` (or `<salt>.<key>.bitweb`) to
 * `http://<label>.bitweb.localhost:<port>/...`, for when the proxy rule cannot be used (a
 * proxy setting BitWeb must not replace) or the person chose this form (a secure context).
 */
export function subdomainRules(port) {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`bad gateway port ${port}`);
  const redirect = {
    type: 'redirect',
    redirect: { regexSubstitution: `http://\\1.bitweb.localhost:${port}/\\2` },
  };
  // One label, or two for a key site under a salt (`<salt>.<key>.bitweb`, docs/UPDATES.md).
  const regexFilter = `^http://(${SITE_NAME})\\.bitweb\\.?(?::[0-9]+)?/(.*)$`;
  return [
    { id: RULE_IDS.subdomain, priority: RULE_PRIORITY.subdomain, action: redirect, condition: { regexFilter } },
    {
      id: RULE_IDS.subdomainMainFrame,
      priority: RULE_PRIORITY.subdomain,
      action: redirect,
      condition: { regexFilter, resourceTypes: ['main_frame'] },
    },
  ];
}

/**
 * A session rule keyed on *which tab* shows a BitWeb page, not on the initiator: a sandboxed
 * frame (`sandbox="allow-scripts allow-top-navigation"`), a `data:` document or a popup it
 * opens has an opaque initiator that rules 1 and 2 never match, so they could take the tab
 * (or a new one) to the clear web. This rule blocks every navigation of a page or frame in
 * `tabIds` to anything outside BitWeb, whoever asked for it. null when no tab needs it.
 * The background keeps `tabIds` in step with the tabs (background.js: isolatedTabs).
 */
export function bitwebTabsRule(tabIds) {
  const ids = [...new Set(tabIds)].filter((id) => Number.isInteger(id) && id >= 0).sort((a, b) => a - b);
  if (ids.length === 0) return null;
  return {
    id: RULE_IDS.bitwebTabs,
    priority: RULE_PRIORITY.isolation,
    action: block,
    condition: { tabIds: ids, excludedRequestDomains: [...BITWEB_DOMAINS], resourceTypes: ['main_frame', 'sub_frame'] },
  };
}

/**
 * Firefox asks DNS for the HTTPS record of every top-level `http://<name>.bitweb/` it opens at
 * the default port (HTTPS-First's background request), before proxy.onRequest has answered
 * (docs/PRIVACY.md, "DNS"); at any other port it does not. So where the extension opens a site
 * in Firefox's proxy form (links, the protocol handler), and where a person follows a link from
 * one BitWeb site to another (the link content script), the address is
 * `http://<site>.bitweb:<DETOUR_PORT>/...`, and this main_frame rule sends it, before any
 * connection, to the site's own address: the tab ends on `http://<site>.bitweb/...`, the origin
 * every other way of opening the site gives, and nothing was asked of DNS. The rule is set in
 * both browsers' proxy form (a content script cannot tell them apart); in the subdomain form the
 * subdomain redirect, which keeps no port, does the same. 65535 is no port Firefox refuses;
 * without the rule the proxy would still carry the request to the gateway.
 */
export const DETOUR_PORT = 65535;

export function detourRule() {
  return {
    id: RULE_IDS.detour,
    priority: RULE_PRIORITY.subdomain,
    action: { type: 'redirect', redirect: { regexSubstitution: 'http://\\1.bitweb/\\2' } },
    condition: { regexFilter: `^http://(${SITE_NAME})\\.bitweb:${DETOUR_PORT}/(.*)$`, resourceTypes: ['main_frame'] },
  };
}

/**
 * Firefox only: what the blocking `webRequest.onBeforeRequest` listener does with a top-level
 * request (background.js). A popup that a sandboxed frame of a BitWeb page opens has an opaque
 * initiator, and the tab rule above holds its tab only once `webNavigation.onCreatedNavigationTarget`
 * said who opened it, which races the popup's first request (docs/EXTENSION.md). The listener
 * closes that race: Firefox waits for it, and the tab's opener (`openerTabId`, set when the tab
 * is created) is known before the request leaves.
 *
 * `request` is the listener's details ({type, url}); `tab` says whether the tab is already
 * being decided (`decided`: its first request was seen, or it was let go) and whether its
 * opener is a held BitWeb tab (`openerHeld`). Returns
 *   'cancel'  the tab's first request leaves BitWeb: cancel it, and hold the tab
 *   'hold'    its first request goes to BitWeb: let it, and hold the tab (as the tab rule would)
 *   'pass'    anything else (other types, other tabs, later requests: the tab rule's)
 */
export function topLevelVerdict(request, { decided = false, openerHeld = false } = {}) {
  if (request?.type !== 'main_frame' || decided || !openerHeld) return 'pass';
  let host;
  try {
    host = new URL(String(request.url)).hostname;
  } catch {
    return 'cancel'; // not a URL we can read: not BitWeb's
  }
  return isBitwebPageHost(host) ? 'hold' : 'cancel';
}
