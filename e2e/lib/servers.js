// Two small clear-web servers on loopback addresses other than the gateway's, for the
// isolation checks:
//   sink  (127.0.0.2): stands for "the clear web" a BitWeb page must never reach. It answers
//                      everything with 200 and records every request, so a test can assert
//                      that it saw nothing (and, after a person's own navigation, something).
//   clear (127.0.0.3): a clear-web page that tries to use a BitWeb site: <img>, fetch, a
//                      frame, and a probe of the gateway port.

import http from 'node:http';
import { withDeadline } from './wait.js';

function listen(server, host) {
  return withDeadline(new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve(server.address().port));
  }), 5_000, `a test server to listen on ${host}`);
}

async function close(server) {
  server.closeAllConnections?.();
  await new Promise((resolve) => server.close(() => resolve()));
}

/**
 * The sink: `{url, port, requests: [{method, url, host, at}], connections: [{at}], stop()}`.
 * `connections` counts TCP connections, also those that never carry a request (a preconnect).
 */
export async function startSink(host = '127.0.0.2') {
  const requests = [];
  const connections = [];
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method, url: req.url, host: req.headers.host, at: Date.now() });
    req.resume();
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'access-control-allow-origin': '*',
      'cache-control': 'no-store',
    });
    res.end('<!doctype html><title>clear web</title><h1>clear web sink</h1>');
  });
  server.on('connection', () => connections.push({ at: Date.now() }));
  const port = await listen(server, host);
  return { url: `http://${host}:${port}`, port, requests, connections, stop: () => close(server) };
}

/**
 * The clear-web page at `/` of 127.0.0.3: it loads `<img src=siteUrl + imagePath>` and a
 * frame of the site, and exposes `window.probe()` which tries fetches and reports.
 */
export async function startClearWeb({ siteUrl, imagePath, gatewayPort, host = '127.0.0.3' }) {
  const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A clear-web page</title></head>
<body>
<h1>A clear-web page</h1>
<img id="probe-img" src="${siteUrl}${imagePath.replace(/^\//, '')}" alt="">
<iframe id="probe-frame" src="${siteUrl}"></iframe>
<p><a id="to-site" href="${siteUrl}">Go to the BitWeb site</a></p>
<script>
  window.imageResult = new Promise((resolve) => {
    const img = document.getElementById('probe-img');
    const done = (event) => resolve({ event, naturalWidth: img.naturalWidth, complete: img.complete });
    if (img.complete) done(img.naturalWidth > 0 ? 'load' : 'error');
    img.addEventListener('load', () => done('load'));
    img.addEventListener('error', () => done('error'));
  });
  // mode no-cors: a reachable server gives an opaque response (resolves); only a block rejects.
  async function attempt(url) {
    try {
      const r = await fetch(url, { mode: 'no-cors', cache: 'no-store' });
      return 'reached (' + r.type + ')';
    } catch (e) {
      return 'blocked: ' + e.name;
    }
  }
  window.probe = async () => ({
    image: await window.imageResult,
    fetchSite: await attempt(${JSON.stringify(siteUrl)}),
    fetchGateway: await attempt('http://127.0.0.1:${gatewayPort}/'),
  });
</script>
</body></html>`;
  const server = http.createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(page);
  });
  const port = await listen(server, host);
  return { url: `http://${host}:${port}/`, port, stop: () => close(server) };
}
