// Reads the target of the "leave BitWeb?" page from its #fragment: only an http(s) URL
// outside BitWeb, never javascript:, data: or a BitWeb address.

import { isBitwebPageHost } from './hosts.js';

export function leaveTarget(hash) {
  if (typeof hash !== 'string' || hash.length < 2) return null;
  let url;
  try {
    url = new URL(decodeURIComponent(hash.replace(/^#/, '')));
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (isBitwebPageHost(url.hostname)) return null;
  return url.href;
}
