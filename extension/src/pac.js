// Routing decisions as pure functions: the PAC script Chrome evaluates, and the answer the
// Firefox proxy listener gives. Both send hosts ending in `.bitweb` to the local gateway.
// Every other host goes where it went before BitWeb: DIRECT, or the person's own fixed
// proxy or PAC script carried over into ours (see routing-decision.js for when that is
// possible). There is deliberately no `DIRECT` fallback for `.bitweb`: when the gateway is
// down the browser shows a proxy error instead of leaking the site address to DNS.

import { GATEWAY_HOST } from './constants.js';
import { isProxiedHost } from './hosts.js';

function checkPort(port) {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new RangeError(`gateway port must be an integer 1-65535, got ${JSON.stringify(port)}`);
  }
  return port;
}

function checkHost(host) {
  // Only a literal IPv4 address or a plain name may be spliced into the PAC source.
  if (typeof host !== 'string' || !/^[a-z0-9.-]+$/i.test(host)) {
    throw new RangeError(`gateway host must be an IPv4 address or a host name, got ${JSON.stringify(host)}`);
  }
  return host;
}

// ---- a person's fixed proxy (chrome.proxy ProxyRules) as PAC ----

const PAC_KEYWORD = { http: 'PROXY', https: 'HTTPS', socks4: 'SOCKS', socks5: 'SOCKS5', quic: 'QUIC' };
const DEFAULT_PORT = { http: 80, https: 443, socks4: 1080, socks5: 1080, quic: 443 };

/** One ProxyServer `{scheme, host, port}` as a PAC result word, e.g. "PROXY 10.0.0.1:3128". */
export function pacProxyWord(server) {
  const scheme = server?.scheme ?? 'http';
  const keyword = PAC_KEYWORD[scheme];
  if (!keyword) throw new RangeError(`proxy scheme ${JSON.stringify(scheme)} cannot be written in a PAC script`);
  const host = String(server?.host ?? '');
  // host names, IPv4 and bracketed IPv6 only: nothing that could end the string literal
  if (!/^([a-z0-9._-]+|\[[0-9a-f:.]+\])$/i.test(host)) throw new RangeError(`bad proxy host ${JSON.stringify(host)}`);
  const port = server?.port ?? DEFAULT_PORT[scheme];
  checkPort(port);
  return `${keyword} ${host}:${port}`;
}

/**
 * Chrome's bypassList entries as JS conditions over `h` (lowercase host without a trailing
 * dot), `scheme` and `port`. Understood forms: `<local>`, `<-loopback>` (ignored), host
 * patterns with `*`, `.example.com` (subdomains), optional `scheme://` prefix and `:port`,
 * IPv4 CIDR `a.b.c.d/n`. Anything else throws, so the caller can refuse to carry the proxy
 * over rather than carry it over wrong.
 */
export function bypassConditions(list) {
  const out = [];
  for (const raw of list ?? []) {
    const entry = String(raw).trim().toLowerCase();
    if (!entry || entry === '<-loopback>') continue;
    if (entry === '<local>') {
      out.push('(h.indexOf(".") < 0 && h.indexOf(":") < 0)');
      continue;
    }
    const cidr = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(entry);
    if (cidr) {
      const base = ipv4Number(cidr[1]);
      const bits = Number(cidr[2]);
      if (base === null || bits > 32) throw new RangeError(`bad bypass entry ${JSON.stringify(raw)}`);
      const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
      out.push(`__bitwebInNet(h, ${(base & mask) >>> 0}, ${mask})`);
      continue;
    }
    const m = /^(?:([a-z0-9+.-]+):\/\/)?(\[[0-9a-f:.]+\]|[a-z0-9*._-]+)(?::(\d{1,5}))?$/.exec(entry);
    if (!m) throw new RangeError(`bypass entry ${JSON.stringify(raw)} cannot be written in a PAC script`);
    const [, scheme, hostPattern, port] = m;
    const parts = [];
    if (scheme) parts.push(`scheme === ${JSON.stringify(scheme)}`);
    if (port) parts.push(`port === ${JSON.stringify(port)}`);
    let pattern = hostPattern;
    if (pattern.startsWith('.')) pattern = `*${pattern}`;
    const regex = `^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`;
    parts.push(`/${regex.replace(/\//g, '\\/')}/.test(h)`);
    out.push(`(${parts.join(' && ')})`);
  }
  return out;
}

function ipv4Number(text) {
  const parts = text.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p > 255)) return null;
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

/** PAC statements that return the person's fixed proxy for a non-BitWeb URL. */
function fixedUpstream(rules) {
  const lines = [];
  const bypass = bypassConditions(rules.bypassList);
  // Chrome bypasses loopback for fixed proxies unless told otherwise (<-loopback>).
  const loopback = !(rules.bypassList ?? []).some((e) => String(e).trim().toLowerCase() === '<-loopback>');
  if (loopback) {
    bypass.unshift('(h === "localhost" || /\\.localhost$/.test(h) || /^127\\./.test(h) || h === "[::1]" || h === "::1")');
  }
  if (bypass.length) lines.push(`  if (${bypass.join(' || ')}) return "DIRECT";`);
  if (rules.singleProxy) {
    lines.push(`  return ${JSON.stringify(pacProxyWord(rules.singleProxy))};`);
    return lines;
  }
  const byScheme = [
    ['http', rules.proxyForHttp],
    ['ws', rules.proxyForHttp],
    ['https', rules.proxyForHttps],
    ['wss', rules.proxyForHttps],
    ['ftp', rules.proxyForFtp],
  ];
  for (const [scheme, server] of byScheme) {
    if (server) lines.push(`  if (scheme === "${scheme}") return ${JSON.stringify(pacProxyWord(server))};`);
  }
  lines.push(`  return ${JSON.stringify(rules.fallbackProxy ? pacProxyWord(rules.fallbackProxy) : 'DIRECT')};`);
  return lines;
}

/**
 * Source of the PAC script for `chrome.proxy.settings` (`pacScript.data`). `upstream` says
 * where other hosts go: null (DIRECT), `{kind: 'fixed', rules}` (a chrome.proxy ProxyRules
 * object, written out as PAC) or `{kind: 'pac', data}` (the person's own PAC source, kept
 * in its own scope and asked for every non-BitWeb URL). Throws RangeError for an upstream
 * that cannot be written as PAC. Uses no PAC helper functions itself, so it also runs in a
 * bare JS context (the tests use node:vm).
 */
export function pacScript(port, host = GATEWAY_HOST, upstream = null) {
  const proxy = `PROXY ${checkHost(host)}:${checkPort(port)}`;
  const head = [
    '// BitWeb: send *.bitweb to the local gateway; everything else goes where it went before.',
  ];
  let other = ['  return "DIRECT";'];
  if (upstream?.kind === 'fixed') {
    other = fixedUpstream(upstream.rules ?? {});
    head.push(
      'function __bitwebInNet(h, net, mask) {',
      '  var m = /^(\\d+)\\.(\\d+)\\.(\\d+)\\.(\\d+)$/.exec(h);',
      '  if (!m) return false;',
      '  var n = ((+m[1] << 24) | (+m[2] << 16) | (+m[3] << 8) | +m[4]) >>> 0;',
      '  return ((n & mask) >>> 0) === net;',
      '}',
    );
  } else if (upstream?.kind === 'pac') {
    if (typeof upstream.data !== 'string' || !/FindProxyForURL/.test(upstream.data)) {
      throw new RangeError('the PAC script to carry over has no FindProxyForURL');
    }
    head.push(
      'var __bitwebUpstream = (function () {',
      upstream.data,
      '  return FindProxyForURL;',
      '})();',
    );
    other = ['  return __bitwebUpstream(url, host);'];
  } else if (upstream !== null && upstream !== undefined) {
    throw new RangeError(`unknown upstream ${JSON.stringify(upstream)}`);
  }
  return [
    ...head,
    // hosts.js's own function, so the PAC and the rest of the extension agree on what is BitWeb
    `var __bitwebIsProxiedHost = ${isProxiedHost.toString()};`,
    'function FindProxyForURL(url, host) {',
    `  if (__bitwebIsProxiedHost(String(host))) return "${proxy}";`,
    '  var h = String(host).toLowerCase();',
    '  if (h.charAt(h.length - 1) === ".") h = h.substring(0, h.length - 1);',
    '  var scheme = String(url).split(":")[0].toLowerCase();',
    '  var pm = /^[a-z0-9+.-]+:\\/\\/(?:[^\\/@]*@)?(?:\\[[^\\]]*\\]|[^\\/:?#]*):(\\d+)/i.exec(url);',
    '  var port = pm ? pm[1] : "";',
    ...other,
    '}',
    '',
  ].join('\n');
}

/** What Firefox's `proxy.onRequest` listener returns for a request to `url`. */
export function firefoxProxyInfo(url, port, host = GATEWAY_HOST) {
  let hostname;
  try {
    hostname = new URL(url).hostname;
  } catch {
    return { type: 'direct' };
  }
  if (!isProxiedHost(hostname)) return { type: 'direct' };
  return { type: 'http', host: checkHost(host), port: checkPort(port) };
}
