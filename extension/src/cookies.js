// Every BitWeb site is its own: a cookie belongs to the one host that set it. In the subdomain
// form all sites share the parent `bitweb.localhost`, and a page may write
// `document.cookie = "x=1; Domain=bitweb.localhost"`, which the browser then gives to every
// other site (measured in Chromium 156 and Firefox ESR 153; `Domain=bitweb` and
// `Domain=localhost` are refused by both). No request header or response policy stops a
// script from doing that, so the background removes such a cookie the moment the browser
// reports it (cookies.onChanged), whoever set it (script, cookieStore, Set-Cookie), and sweeps
// the ones set while it was not running. Host-only cookies (no Domain attribute) stay: they
// are a site's own, like its localStorage.
//
// What is left (docs/PRIVACY.md): between the write and the removal (a few milliseconds) a
// site open at the same time could read the cookie.

import { BITWEB_DOMAINS } from './hosts.js';

const bare = (domain) => String(domain ?? '').toLowerCase().replace(/^\./, '').replace(/\.$/, '');

/**
 * Whether `cookie` (a cookies.Cookie) was set for a domain under BitWeb rather than for one
 * host: every domain cookie there reaches more than its site (a parent, or a key site's salts).
 */
export function isSharedBitwebCookie(cookie) {
  if (!cookie || cookie.hostOnly !== false) return false;
  const domain = bare(cookie.domain);
  return BITWEB_DOMAINS.some((d) => domain === d || domain.endsWith(`.${d}`));
}

/** The cookies.remove() details that remove exactly `cookie` (its store and partition too). */
export function removalOf(cookie) {
  const details = {
    url: `http${cookie.secure ? 's' : ''}://${bare(cookie.domain)}${cookie.path || '/'}`,
    name: cookie.name,
  };
  if (cookie.storeId) details.storeId = cookie.storeId;
  if (cookie.partitionKey) details.partitionKey = cookie.partitionKey;
  if (typeof cookie.firstPartyDomain === 'string') details.firstPartyDomain = cookie.firstPartyDomain;
  return details;
}

/** The domains to sweep at start (cookies.getAll({domain}) matches them and their subdomains). */
export const SWEEP_DOMAINS = BITWEB_DOMAINS;
