// The isolation rules are data, so they are tested against a small model of how
// declarativeNetRequest matches (Chrome's documented semantics, which Firefox follows): a
// domain condition matches the domain and its subdomains; a rule without resourceTypes
// matches everything but main_frame; initiatorDomains never match a request without an
// initiator; the highest priority wins, and at equal priority block beats redirect.
// The e2e tests check the same rules in the real browsers.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bitwebTabsRule, detourRule, gatewayPortRules, gatewayProbeRule, isolationRules, subdomainRules, topLevelVerdict } from '../src/isolation.js';
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

function matches(rule, { url, initiator, type, tabId = -1 }) {
  const c = rule.condition;
  if (c.tabIds && !c.tabIds.includes(tabId)) return false;
  const host = new URL(url).hostname;
  const from = initiator ? hostOf(initiator) : null;
  if (c.resourceTypes ? !c.resourceTypes.includes(type) : type === 'main_frame') return false;
  if (c.initiatorDomains && !inDomains(from, c.initiatorDomains)) return false;
  if (c.excludedInitiatorDomains && inDomains(from, c.excludedInitiatorDomains)) return false;
  if (c.requestDomains && !inDomains(host, c.requestDomains)) return false;
  if (c.excludedRequestDomains && inDomains(host, c.excludedRequestDomains)) return false;
  if (c.regexFilter && !new RegExp(c.regexFilter).test(new URL(url).href)) return false; // browsers match the canonical URL
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
  if (!hit || hit.action.type === 'allow') return 'none'; // an allow rule lets the request go as if no rule matched
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
const base = [...isolationRules(), gatewayProbeRule(47800), ...gatewayPortRules(47800)];
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
  assert.deepEqual(isolationRules().map((r) => r.id), [1, 2, 3, 4, 5]);
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

test('*.bitweb.localhost is reachable on the gateway port only, by any request and any navigation', () => {
  for (const port of [47800, 41234]) {
    const rules = [...isolationRules(), gatewayProbeRule(port), ...gatewayPortRules(port), ...petNameRules({ alice: HEX })];
    const page = `http://${HEX}.bitweb.localhost:${port}`;
    for (const type of ['xmlhttprequest', 'image', 'sub_frame', 'main_frame', 'websocket']) {
      for (const url of [`http://b.bitweb.localhost:6379/`, 'http://bitweb.localhost:22/',
        `https://${HEX}.bitweb.localhost/`, `ws://b.bitweb.localhost:${port + 1}/s`, `http://B.BITWEB.LOCALHOST:${port - 1}/`,
        `http://u:p@b.bitweb.localhost:8080/`]) {
        for (const initiator of [page, SITE, 'null', undefined]) {
          assert.equal(decide(rules, req(initiator, url, type)), 'block', `${initiator} -> ${url} (${type}), gateway ${port}`);
        }
      }
      assert.equal(decide(rules, req(page, `http://b.bitweb.localhost:${port}/x`, type)), 'none', `the gateway port (${type})`);
      const from = type === 'main_frame' ? undefined : page;
      assert.equal(decide(rules, req(from, `http://alice.bitweb.localhost:${port}/x`, type)), `redirect ${page}/x`, `a pet name (${type})`);
      assert.equal(decide(rules, req(from, 'http://alice.bitweb.localhost:6379/x', type)), `redirect http://${HEX}.bitweb.localhost:6379/x`,
        'a pet name on another port is redirected, and the redirected request is then blocked');
    }
    // nothing else is touched: other loopback names are the gateway probe's and rule 1's business
    assert.equal(decide(rules, req('https://a.example', 'http://evilbitweb.localhost:22/', 'xmlhttprequest')), 'none');
    assert.equal(decide(rules, req('https://a.example', 'http://a.bitweb.localhost.evil.example:22/', 'xmlhttprequest')), 'none');
    assert.equal(decide(rules, req(undefined, `${SITE}/`, 'main_frame')), 'none');
  }
});

test('before the port is known (the static rules alone) every port of *.bitweb.localhost is closed', () => {
  for (const url of [`http://${HEX}.bitweb.localhost:47800/`, 'http://b.bitweb.localhost:6379/']) {
    assert.equal(decide(isolationRules(), req(undefined, url, 'main_frame')), 'block', url);
    assert.equal(decide(isolationRules(), req(`http://${HEX}.bitweb.localhost:47800`, url, 'xmlhttprequest')), 'block', url);
  }
});

test('a gateway on a default port (80, 443) is allowed without a port, for its scheme only', () => {
  const on80 = [...isolationRules(), ...gatewayPortRules(80)];
  assert.equal(decide(on80, req(undefined, 'http://a.bitweb.localhost/', 'main_frame')), 'none');
  assert.equal(decide(on80, req(undefined, 'https://a.bitweb.localhost/', 'main_frame')), 'block');
  const on443 = [...isolationRules(), ...gatewayPortRules(443)];
  assert.equal(decide(on443, req(undefined, 'https://a.bitweb.localhost/', 'main_frame')), 'none');
  assert.equal(decide(on443, req(undefined, 'http://a.bitweb.localhost/', 'main_frame')), 'block');
  assert.throws(() => gatewayPortRules(0), RangeError);
});

test('the BitWeb tabs rule: no navigation leaves a held tab, whoever asked for it (opaque initiators too)', () => {
  const rules = [...base, bitwebTabsRule([5, 3, 3, -1])];
  assert.deepEqual(bitwebTabsRule([5, 3, 3, -1]).condition.tabIds, [3, 5]);
  assert.equal(bitwebTabsRule([]), null);
  for (const initiator of ['null', undefined, SITE]) {
    for (const type of ['main_frame', 'sub_frame']) {
      assert.equal(decide(rules, { initiator, url: 'https://tracker.example/', type, tabId: 3 }), 'block', `${initiator} ${type}`);
    }
    assert.equal(decide(rules, { initiator: SITE, url: `http://${'f'.repeat(40)}.bitweb/`, type: 'sub_frame', tabId: 3 }), 'none', 'frames within BitWeb');
    assert.equal(decide(rules, { initiator, url: `http://${'f'.repeat(40)}.bitweb/`, type: 'main_frame', tabId: 3 }), 'none', `within BitWeb: ${initiator}`);
  }
  assert.equal(decide(rules, { initiator: 'null', url: 'https://tracker.example/', type: 'main_frame', tabId: 4 }), 'none', 'another tab');
  assert.equal(decide(rules, { initiator: 'null', url: 'https://tracker.example/', type: 'main_frame' }), 'none', 'the gap the rule closes: an opaque initiator');
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

test('the detour: <site>.bitweb:65535 opens the site at its own address; nothing else moves', () => {
  const rules = [...base, detourRule(), ...petNameRules({ alice: HEX })];
  const key = 'a'.repeat(52);
  assert.equal(decide(rules, req(undefined, `http://${HEX}.bitweb:65535/a/b?c=d#e`, 'main_frame')), `redirect ${SITE}/a/b?c=d#e`);
  assert.equal(decide(rules, req(SITE, `http://blog.${key}.bitweb:65535/`, 'main_frame')), `redirect http://blog.${key}.bitweb/`);
  assert.equal(decide(rules, req(undefined, 'http://alice.bitweb:65535/p', 'main_frame')), 'redirect http://alice.bitweb/p', 'then the pet name');
  assert.equal(decide(rules, req(SITE, `http://${HEX}.bitweb:65535/x.png`, 'image')), 'none', 'a page\'s own subresources are not moved');
  assert.equal(decide(rules, req(undefined, `http://${HEX}.bitweb:6553/`, 'main_frame')), 'none');
  assert.equal(decide(rules, req(undefined, 'http://example.org:65535/', 'main_frame')), 'none');
  assert.equal(decide(rules, req(SITE, 'http://example.org:65535/', 'main_frame')), 'block', 'isolation still wins');
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

test('Firefox\'s top-level listener cancels the first request of a tab a held BitWeb tab opened, unless it goes to BitWeb', () => {
  const popup = (url) => ({ type: 'main_frame', url });
  const child = { openerHeld: true };
  // a sandboxed frame's popup to the clear web: cancelled, whatever the scheme or host form
  assert.equal(topLevelVerdict(popup('http://127.0.0.5/sandbox-popup'), child), 'cancel');
  assert.equal(topLevelVerdict(popup('https://example.com/'), child), 'cancel');
  assert.equal(topLevelVerdict(popup('http://bitweb.localhost:47800/'), child), 'cancel', 'the bare name is no site');
  assert.equal(topLevelVerdict(popup('not a url'), child), 'cancel');
  // to a BitWeb site, in either form or through the detour port: it goes, and the tab is held
  assert.equal(topLevelVerdict(popup(`http://${HEX}.bitweb/`), child), 'hold');
  assert.equal(topLevelVerdict(popup(`http://${HEX}.bitweb:65535/x`), child), 'hold');
  assert.equal(topLevelVerdict(popup(`http://${HEX}.bitweb.localhost:47800/`), child), 'hold');
  // everything else is the tab rule's, or nobody's
  assert.equal(topLevelVerdict(popup('http://127.0.0.5/'), { openerHeld: false }), 'pass', 'a tab no BitWeb tab opened');
  assert.equal(topLevelVerdict(popup('http://127.0.0.5/'), {}), 'pass');
  assert.equal(topLevelVerdict(popup('http://127.0.0.5/'), { openerHeld: true, decided: true }), 'pass', 'not its first request (the leave page let it go, or the tab rule holds it)');
  assert.equal(topLevelVerdict({ type: 'sub_frame', url: 'http://127.0.0.5/' }, child), 'pass', 'frames are the tab rule\'s');
  assert.equal(topLevelVerdict(undefined, child), 'pass');
});
