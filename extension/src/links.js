// Site addresses and the links that name them, as pure functions (the background, the
// open page and the tests share them; the content script only recognises candidates and
// sends them here).
//
// A site label is 40 hex (a v1 infohash), 32 base32 (the same infohash in base32) or 52
// base32 (an ed25519 public key, for an updatable site). Links that name a site:
//   http://<label>.bitweb/path          the site itself
//   http://<label>.bitweb.localhost:P/  the subdomain form of the gateway
//   magnet:?xt=urn:btih:<40 hex | 32 base32>[&x.pe=IP:port...]
//   magnet:?xs=urn:btpk:<64 hex>        BEP 46: a public key
//   web+bitweb:<any of the above>, web+bitweb://<label>/path, or a bare label
//
// A key site under a BEP 44 salt (docs/UPDATES.md) has the two-label address
// `<salt label>.<52 base32>`: the salt label is the salt itself when it is a plain host label
// (`blog`) or `bw--<base32 of the salt>`. Only a key label may carry a salt.

import { siteNameOfHost } from './hosts.js';

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

export const LABEL_PATTERNS = Object.freeze({
  infohashHex: /^[0-9a-f]{40}$/,
  infohashBase32: /^[a-z2-7]{32}$/,
  publicKey: /^[a-z2-7]{52}$/,
});

/** True when `text` is a site label in canonical or accepted spelling (lowercase). */
export function isSiteLabel(text) {
  return typeof text === 'string' && Object.values(LABEL_PATTERNS).some((re) => re.test(text));
}

/** RFC 4648 base32 without padding, lowercase. */
export function base32Encode(bytes) {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32[(buffer << (5 - bits)) & 31];
  return out;
}

/** Lowercase base32 (no padding) to bytes; throws on a character outside the alphabet. */
export function base32Decode(text) {
  const bytes = [];
  let buffer = 0;
  let bits = 0;
  for (const char of text.toLowerCase()) {
    const value = BASE32.indexOf(char);
    if (value < 0) throw new RangeError(`not base32: ${JSON.stringify(char)}`);
    buffer = (buffer << 5) | value;
    bits += 5;
    if (bits >= 8) {
      bytes.push((buffer >>> (bits - 8)) & 0xff);
      bits -= 8;
      buffer &= (1 << bits) - 1;
    }
  }
  return Uint8Array.from(bytes);
}

const hexToBytes = (hex) => Uint8Array.from(hex.match(/../g).map((pair) => parseInt(pair, 16)));
const bytesToHex = (bytes) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');

// A plain salt: 1..63 of [a-z0-9-], no hyphen first or last, none in places 3 and 4 (those
// are reserved for `bw--` and `xn--`). An encoded salt: `bw--` and the base32 of 1..36 bytes.
const PLAIN_SALT = /^(?!..--)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const ENCODED_SALT = /^bw--[a-z2-7]{2,58}$/;

/** True for a salt label as it may stand before a key label in a host name. */
export function isSaltLabel(text) {
  return typeof text === 'string' && (PLAIN_SALT.test(text) || ENCODED_SALT.test(text));
}

/**
 * The canonical address for a site label or a salted key address (`<salt label>.<key>`), or
 * null. A salt before anything but a 52-character key names no site.
 */
export function canonicalAddress(text) {
  if (typeof text !== 'string') return null;
  const t = text.trim().toLowerCase();
  const dot = t.indexOf('.');
  if (dot < 0) return canonicalLabel(t);
  const salt = t.slice(0, dot);
  const key = t.slice(dot + 1);
  if (!isSaltLabel(salt) || !LABEL_PATTERNS.publicKey.test(key)) return null;
  return `${salt}.${key}`;
}

/**
 * The canonical label for anything that names a site by itself (label, infohash, key), or
 * null: 40 hex stays, 32 base32 becomes 40 hex (one site, one origin), 52 base32 stays.
 */
export function canonicalLabel(text) {
  if (typeof text !== 'string') return null;
  const t = text.trim().toLowerCase();
  if (LABEL_PATTERNS.infohashHex.test(t)) return t;
  if (LABEL_PATTERNS.infohashBase32.test(t)) return bytesToHex(base32Decode(t));
  if (LABEL_PATTERNS.publicKey.test(t)) return t;
  return null;
}

/** A BEP 46 public key (64 hex) as its 52-character label. */
export function publicKeyLabel(hex) {
  if (typeof hex !== 'string' || !/^[0-9a-fA-F]{64}$/.test(hex)) return null;
  return base32Encode(hexToBytes(hex.toLowerCase()));
}

const PEER = /^(\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-fA-F:.]+\]):(\d{1,5})$/;

function parseMagnet(text) {
  const query = text.slice(text.indexOf('?') + 1);
  let label = null;
  const peers = [];
  for (const part of query.split('&')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).toLowerCase();
    let value;
    try {
      value = decodeURIComponent(part.slice(eq + 1).replace(/\+/g, ' '));
    } catch {
      continue;
    }
    if (!label && (key === 'xt' || key === 'xs')) {
      const m = /^urn:(btih|btpk):(.+)$/i.exec(value);
      if (!m) continue;
      label = m[1].toLowerCase() === 'btih' ? canonicalLabel(m[2]) : publicKeyLabel(m[2]);
    } else if (key === 'x.pe' && PEER.test(value) && peers.length < 20) {
      peers.push(value);
    }
  }
  return label ? { label, path: '/', peers, magnet: text } : null;
}

function parseHttp(text) {
  let url;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' || url.username || url.password) return null;
  const label = canonicalAddress(siteNameOfHost(url.hostname));
  if (!label) return null;
  return { label, path: `${url.pathname}${url.search}${url.hash}`, peers: [], magnet: null };
}

/**
 * What a link names: `{label, path, peers, magnet}` or null when it names no BitWeb site.
 * `path` starts with "/" and keeps query and fragment; `peers` are "IP:port" hints from a
 * magnet's x.pe; `magnet` is the magnet link itself (the host takes its hints from it).
 */
export function parseSiteLink(input) {
  if (typeof input !== 'string') return null;
  let text = input.trim();
  if (text.length === 0 || text.length > 4096) return null;
  if (/^web\+bitweb:/i.test(text)) {
    text = text.slice('web+bitweb:'.length);
    try {
      // Firefox hands the handler the link percent-encoded once more.
      if (/^(magnet|http)%3a/i.test(text)) text = decodeURIComponent(text);
    } catch {
      return null;
    }
    if (text.startsWith('//')) {
      const m = /^\/\/([^/?#]+)(.*)$/.exec(text);
      if (!m) return null;
      const label = canonicalAddress(m[1].replace(/\.bitweb\.?$/i, ''));
      if (!label) return null;
      const rest = m[2] || '/';
      return { label, path: rest.startsWith('/') ? rest : `/${rest}`, peers: [], magnet: null };
    }
  }
  if (/^magnet:\?/i.test(text)) return parseMagnet(text);
  if (/^http:\/\//i.test(text)) return parseHttp(text);
  const label = canonicalAddress(text);
  return label ? { label, path: '/', peers: [], magnet: null } : null;
}

/** `http://<label>.bitweb<path>` (label may be `<salt>.<key>`): the address the browser opens for a parsed link. */
export function siteHref({ label, path = '/' }) {
  const p = typeof path === 'string' && path.startsWith('/') ? path : '/';
  return `http://${label}.bitweb${p}`;
}

/**
 * The site label of a page URL in either form, or null: `http://<label>.bitweb/...` or
 * `http://<label>.bitweb.localhost:<port>/...`. Pet names (not labels) give null.
 */
export function labelOfPage(pageUrl) {
  const parsed = typeof pageUrl === 'string' && /^http:\/\//i.test(pageUrl) ? parseHttp(pageUrl) : null;
  return parsed ? parsed.label : null;
}
