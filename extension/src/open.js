// The web+bitweb: protocol handler (Firefox's manifest protocol_handlers point here with
// ?link=<the link>). The background parses the link, passes a magnet's peer hints to the
// engine and says which address to open.

import * as platform from './platform.js';

const link = new URLSearchParams(location.search).get('link') ?? '';
document.getElementById('link').textContent = link || '(no link)';

const reply = await platform.sendMessage({ type: 'open-link', link }).catch((error) => ({ ok: false, error: { message: error.message } }));
if (reply?.ok && typeof reply.url === 'string') {
  location.replace(reply.url);
} else {
  document.getElementById('title').textContent = 'Not a BitWeb link';
  const error = document.getElementById('error');
  error.textContent = reply?.error?.message ?? 'The link names no BitWeb site.';
  error.hidden = false;
}
