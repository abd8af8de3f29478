// The isolation rules are data, so they are tested against a small model of how
// declarativeNetRequest matches (Chrome's documented semantics, which Firefox follows): a
// domain condition matches the domain and its subdomains; a rule without resourceTypes
// matches everything but main_frame; initiatorDomains never match a request without an
// initiator; the highest priority wins, and at equal priority block beats redirect.
// The e2e tests check the same rules in the real browsers.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gatewayProbeRule, isolationRules, subdomainRules } from '../src/isolation.js';
import { petNameRules } from '../src/petnames.js';

const HEX = '0123456789abcdef0123456789abcdef01234567';

const hostOf = (origin) => {
  try {
    return new URL(origin).hostname;
  } catch {
    return null; // "null" (opaque) or none
  }
};
const inDomains = (host, domains) => host !== null && domains.some((d) => host === d || host.endsWith(`.${d}`));

function matches(rule, { url, initiator, type }) {
  const c = rule.condition;
  const host = new URL(url).hostname;
  const from = initiator ? hostOf(initiator) : null;
  if (c.resourceTypes ? !c.resourceTypes.includes(type) : type === 'main_frame') return false;
  if (c.initiatorDomains && !inDomains(from, c.initiatorDomains)) return false;
  if (c.excludedInitiatorDomains && inDomains(from, c.excludedInitiatorDomains)) return false;
  if (c.requestDomains && !inDomains(host, c.requestDomains)) return false;
  if (c.excludedRequestDomains && inDomains(host, c.excludedRequestDomains)) return false;
  if (c.regexFilter && !new RegExp(c.regexFilter).test(url)) return false;
  if (c.urlFilter) {
    assert.ok(c.urlFilter.startsWith('|') && !/[*^]/.test(c.urlFilter), `the model knows only "|prefix" filters: ${c.urlFilter}`);
    if (!url.toLowerCase().startsWith(c.urlFilter.slice(1))) return false;
  }
  return true;
}

const RANK = { allow: 3, block: 2, redirect: 1 };

/** The action the browser takes: 'none', 'block' or 'redirect <url>'. */
function decide(rules, request) {
  const hit = rules.filter((r) => matches(r, request))
    .sort((a, b) => b.priority - a.priority || RANK[b.action.type] - RANK[a.action.type])[0];
  if (!hit) return 'none';
  if (hit.action.type !== 'redirect') return hit.action.type;
  const { redirect } = hit.action;
  if (redirect.transform) {
    const u = new URL(request.url);
    u.hostname = redirect.transform.host;
    return `redirect ${u.href}`;
  }
  return `redirect ${request.url.replace(new RegExp(hit.condition.regexFilter), redirect.regexSubstitution.replace(/\\(\d)/g, '$$$1'))}`;
}

const SITE = `http://${HEX}.bitweb`;
const base = [...isolationRules(), gatewayProbeRule(47800)];
const req = (initiator, url, type) => ({ initiator, url, type });

const TABLE = [
  // a BitWeb page reaches nothing outside BitWeb, by any kind of request or navigation
  [SITE, 'http://127.0.0.2:5000/x', 'xmlhttprequest', 'block'],
  [SITE, 'https://tracker.example/p.gif', 'image', 'block'],
  [SITE, 'ws://tracker.example/s', 'websocket', 'block'],
  [SITE, 'https://tracker.example/b', 'ping', 'block'],
  [SITE, 'https://tracker.example/', 'sub_frame', 'block'],
  [SITE, 'https://tracker.example/', 'main_frame', 'block'],
  [SITE, 'https://tracker.example/f.woff', 'font', 'block'],
  [SITE, 'https://tracker.example/v.mp4', 'media', 'block'],
  [SITE, 'https://tracker.example/o', 'other', 'block'],
  [SITE, 'http://127.0.0.1:47800/', 'xmlhttprequest', 'block'],
  [`http://${HEX}.bitweb.localhost:47800`, 'https://tracker.example/', 'script', 'block'],
  [`http://${HEX}.bitweb.localhost:47800`, 'https://tracker.example/', 'main_frame', 'block'],
  // ...but everything within BitWeb, in both forms
  [SITE, `http://${'f'.repeat(40)}.bitweb/lib.js`, 'script', 'none'],
  [SITE, `http://${HEX}.bitweb/img.png`, 'image', 'none'],
  [SITE, `http://${HEX}.bitweb.localhost:47800/x`, 'xmlhttprequest', 'none'],
  [`http://${HEX}.bitweb.localhost:47800`, `http://${HEX}.bitweb.localhost:47800/x`, 'xmlhttprequest', 'none'],
  // a clear-web page cannot load, frame or fetch BitWeb, nor probe the gateway...
  ['https://tracker.example', `${SITE}/img.png`, 'image', 'block'],
  ['https://tracker.example', `${SITE}/`, 'sub_frame', 'block'],
  ['https://tracker.example', `${SITE}/`, 'xmlhttprequest', 'block'],
  ['https://tracker.example', `http://${HEX}.bitweb.localhost:47800/`, 'image', 'block'],
  ['https://tracker.example', 'http://127.0.0.1:47800/', 'xmlhttprequest', 'block'],
  ['https://tracker.example', 'http://localhost:47800/', 'image', 'block'],
  ['https://tracker.example', 'http://[::ffff:7f00:1]:47800/', 'image', 'block'],
  ['null', `${SITE}/img.png`, 'image', 'block'], // opaque initiators are not BitWeb
  ['https://evilbitweb.example', `${SITE}/img.png`, 'image', 'block'],
  ['https://x.bitweb.evil.example', `${SITE}/img.png`, 'image', 'block'],
  // ...but a person's own navigation works, from a link or the address bar
  ['https://tracker.example', `${SITE}/`, 'main_frame', 'none'],
  [undefined, `${SITE}/`, 'main_frame', 'none'],
  [undefined, 'https://example.org/', 'main_frame', 'none'],
  ['chrome-extension://abcdefghijklmnopabcdefghijklmnop', 'https://example.org/', 'main_frame', 'none'], // the leave page
  // and the clear web is left alone otherwise
  ['https://a.example', 'https://b.example/x.js', 'script', 'none'],
  ['https://a.example', 'http://127.0.0.1:8080/', 'xmlhttprequest', 'none'],
];

test('the isolation table, request by request', () => {
  for (const [initiator, url, type, expected] of TABLE) {
    assert.equal(decide(base, req(initiator, url, type)), expected, `${initiator ?? '(no initiator)'} -> ${url} (${type})`);
  }
});

test('isolation rules are portable: no resourceTypes lists a browser may not know, no regex', () => {
  for (const rule of isolationRules()) {
    assert.ok(!rule.condition.resourceTypes || rule.condition.resourceTypes.join() === 'main_frame', JSON.stringify(rule));
    assert.equal(rule.condition.regexFilter, undefined);
    assert.equal(rule.action.type, 'block');
  }
  assert.deepEqual(isolationRules().map((r) => r.id), [1, 2, 3]);
});

test('the gateway probe rule covers the loopback spellings of its port only', () => {
  const rules = [gatewayProbeRule(47800)];
  for (const url of ['http://127.0.0.1:47800/', 'ws://127.0.0.1:47800/x', 'http://0.0.0.0:47800/', 'http://[::1]:47800/', 'http://localhost.:47800/']) {
    assert.equal(decide(rules, req('https://a.example', url, 'xmlhttprequest')), 'block', url);
  }
  for (const url of ['http://127.0.0.1:47801/', 'http://127.0.0.1:4780/', `http://${HEX}.bitweb.localhost:47800/`]) {
    assert.equal(decide(rules, req('https://a.example', url, 'xmlhttprequest')), 'none', url);
  }
  assert.equal(decide(rules, req(undefined, 'http://127.0.0.1:47800/', 'main_frame')), 'none', 'typing it still shows the gateway page');
  assert.throws(() => gatewayProbeRule(0), RangeError);
});

test('subdomain form: BitWeb addresses go to <site>.bitweb.localhost:<port>, path and query kept', () => {
  const rules = [...base, ...subdomainRules(47800)];
  assert.equal(decide(rules, req(undefined, `${SITE}/a/b?c=d`, 'main_frame')), `redirect http://${HEX}.bitweb.localhost:47800/a/b?c=d`);
  assert.equal(decide(rules, req(SITE, `http://${'f'.repeat(40)}.bitweb/x.png`, 'image')), `redirect http://${'f'.repeat(40)}.bitweb.localhost:47800/x.png`);
  assert.equal(decide(rules, req(`http://${HEX}.bitweb.localhost:47800`, `${SITE}/`, 'xmlhttprequest')), `redirect http://${HEX}.bitweb.localhost:47800/`);
  assert.equal(decide(rules, req('https://tracker.example', `${SITE}/img.png`, 'image')), 'block', 'isolation beats the redirect');
  assert.equal(decide(rules, req(undefined, `http://${HEX}.bitweb.localhost:47800/`, 'main_frame')), 'none', 'no loop');
  assert.throws(() => subdomainRules(70000), RangeError);
});

test('subdomain form keeps a salted key host (<salt>.<key>.bitweb) whole', () => {
  const rules = [...base, ...subdomainRules(47800)];
  const key = 'a'.repeat(52);
  for (const salt of ['blog', 'bw--ijwg6zy']) {
    assert.equal(decide(rules, req(undefined, `http://${salt}.${key}.bitweb/p?q=1`, 'main_frame')),
      `redirect http://${salt}.${key}.bitweb.localhost:47800/p?q=1`, salt);
    assert.equal(decide(rules, req(`http://${salt}.${key}.bitweb`, `http://${salt}.${key}.bitweb/x.png`, 'image')),
      `redirect http://${salt}.${key}.bitweb.localhost:47800/x.png`, salt);
    assert.equal(decide(rules, req('https://tracker.example', `http://${salt}.${key}.bitweb/x.png`, 'image')), 'block', salt);
    assert.equal(decide(rules, req(`http://${salt}.${key}.bitweb.localhost:47800`, 'https://tracker.example/', 'image')), 'block', salt);
    assert.equal(decide(rules, req(undefined, `http://${salt}.${key}.bitweb.localhost:47800/`, 'main_frame')), 'none', 'no loop');
  }
});

test('pet names resolve first, then the subdomain form; isolation still wins', () => {
  const names = petNameRules({ alice: HEX });
  const proxyMode = [...base, ...names];
  assert.equal(decide(proxyMode, req(undefined, 'http://alice.bitweb/blog/?p=1', 'main_frame')), `redirect ${SITE}/blog/?p=1`);
  assert.equal(decide(proxyMode, req(SITE, 'http://alice.bitweb/style.css', 'stylesheet')), `redirect ${SITE}/style.css`);
  assert.equal(decide(proxyMode, req(undefined, 'http://alice.bitweb.localhost:47800/x', 'main_frame')),
    `redirect http://${HEX}.bitweb.localhost:47800/x`);
  assert.equal(decide(proxyMode, req('https://tracker.example', 'http://alice.bitweb/a.png', 'image')), 'block');
  assert.equal(decide(proxyMode, req(undefined, 'http://alicex.bitweb/', 'main_frame')), 'none', 'only the exact name');
  const subdomainMode = [...proxyMode, ...subdomainRules(47800)];
  assert.equal(decide(subdomainMode, req(undefined, 'http://alice.bitweb/', 'main_frame')), `redirect ${SITE}/`, 'the name first; the redirected request then takes the subdomain rule');
});
