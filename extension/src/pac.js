// Routing decisions as pure functions: the PAC script Chrome evaluates, and the answer the
// Firefox proxy listener gives. Both send hosts ending in `.bitweb` to the local gateway and
// leave every other host alone. There is deliberately no `DIRECT` fallback for `.bitweb`:
// when the gateway is down the browser shows a proxy error instead of leaking the site
// address to the DNS resolver.

import { GATEWAY_HOST } from './constants.js';

const SUFFIX = '.bitweb';

/** True for `<label>.bitweb` (any depth, any case, optional trailing dot); false for `bitweb`. */
export function isBitwebHost(host) {
  if (typeof host !== 'string') return false;
  let h = host.toLowerCase();
  if (h.endsWith('.')) h = h.slice(0, -1);
  return h.length > SUFFIX.length && h.endsWith(SUFFIX);
}

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

/**
 * Source of a PAC script (for `chrome.proxy.settings`, `pacScript.data`). It uses no PAC
 * helper functions (dnsDomainIs and friends), so it also runs in a bare JS context.
 */
export function pacScript(port, host = GATEWAY_HOST) {
  const proxy = `PROXY ${checkHost(host)}:${checkPort(port)}`;
  return [
    '// BitWeb: send *.bitweb to the local gateway, leave everything else alone.',
    'function FindProxyForURL(url, host) {',
    '  var h = String(host).toLowerCase();',
    '  if (h.charAt(h.length - 1) === ".") h = h.substring(0, h.length - 1);',
    `  if (h.length > ${SUFFIX.length} && h.substring(h.length - ${SUFFIX.length}) === "${SUFFIX}") {`,
    `    return "${proxy}";`,
    '  }',
    '  return "DIRECT";',
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
  if (!isBitwebHost(hostname)) return { type: 'direct' };
  return { type: 'http', host: checkHost(host), port: checkPort(port) };
}
