// The sidebar's rendering of records, with hostile ones: no text from a record becomes
// markup, only bitweb links become links (to the canonical address of what they name), text
// that reorders itself or breaks the page is neutralised, and everything is cut to size.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  MAX_BODY_CHARS, bodyParts, cleanText, itemView, linkedFromView, listingView, postingAs, shortKey, timeAgo,
} from '../src/comments-view.js';
import { mount, safeHref } from '../src/render.js';

const HEX = '0123456789abcdef0123456789abcdef01234567';
const KEY = 'ab'.repeat(32);
const NOW = Date.UTC(2026, 1, 2, 12, 0, 0);
const comment = (body, extra = {}) => ({ id: 'cd'.repeat(32), kind: 'comment', author: KEY, name: 'Ada', time: NOW / 1000 - 120, body, parent: null, hidden: false, muted: false, mine: false, depth: 0, ...extra });

/** Every node of a tree, depth first. */
function nodes(tree) {
  return [tree, ...(tree.children ?? []).flatMap(nodes)];
}

const TAGS = new Set(['div', 'p', 'span', 'a', 'li', 'ol', 'ul', 'h2', 'time', 'button', 'nav']);

/** What must hold for any tree the view makes, whatever went in. */
function assertSafe(tree) {
  for (const n of nodes(tree)) {
    assert.ok(TAGS.has(n.tag), `no <${n.tag}>`);
    for (const [name, value] of Object.entries(n.attrs ?? {})) {
      assert.ok(!/^on/i.test(name) && name !== 'style' && name !== 'src', `no ${name} attribute`);
      if (name === 'href') assert.ok(safeHref(value), `href ${value} is a bitweb page`);
      if (value !== undefined) assert.ok(!/javascript:/i.test(String(value)) || name === 'title', `no javascript: in ${name}`);
    }
    if (n.text !== undefined) assert.equal(typeof n.text, 'string');
  }
}

const HOSTILE = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(document.cookie)>',
  '"><svg/onload=alert(1)>',
  'javascript:alert(1)',
  '[click me](javascript:alert(1))',
  'JaVaScRiPt:alert(1) http://evil.example/ https://evil.example/x data:text/html,<script>alert(1)</script>',
  `http://${HEX}.bitweb.evil.example/ http://${HEX}.bitweb@evil.example/ http://evil.example/#${HEX}.bitweb`,
  'abc\u202Egpj.exe and \u2066isolated\u2069 and \u202Dforced\u202C',
  '\u0000nul \u0007bell \u001b[31mansi\u001b[0m \u0085next-line \u200Bzero-width',
  '\uD800lone high and lone low \uDC00 and a pair 😀',
  'x'.repeat(64 * 1024),
  `${'é'.repeat(MAX_BODY_CHARS - 1)}😀😀`,
  '\r\nwindows\rline ends',
];

test('hostile bodies and names render as text: no markup, no script link, no reordering, cut to size', () => {
  for (const body of HOSTILE) {
    const tree = itemView(comment(body, { name: body }), { owner: true, now: NOW });
    assertSafe(tree);
    const text = nodes(tree).map((n) => n.text ?? '').join('');
    assert.ok(!/[\u202A-\u202E\u2066-\u2069]/.test(text), 'no bidi override or isolate survives');
    // eslint-disable-next-line no-control-regex
    assert.ok(!/[\u0000-\u0008\u000B-\u001F\u007F-\u009F\r]/.test(text), 'no control character survives');
    assert.ok(!/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.test(text), 'no lone surrogate survives');
  }
  const script = bodyParts('<script>alert(1)</script>');
  assert.deepEqual(script, [{ text: '<script>alert(1)</script>' }], 'the markup is shown as what it is: text');
  assert.equal(bodyParts('[click me](javascript:alert(1))').filter((p) => p.href).length, 0);
  assert.equal(bodyParts(HOSTILE[6]).filter((p) => p.href).length, 0, 'look-alike hosts are not bitweb');
  const long = cleanText('x'.repeat(64 * 1024));
  assert.equal(long.length, MAX_BODY_CHARS + 1);
  assert.ok(long.endsWith('…'));
  const emoji = cleanText(HOSTILE[11]);
  assert.ok(!/[\uD800-\uDBFF]…$/.test(emoji), 'a cut never splits a surrogate pair');
  assert.equal(cleanText('abc\u202Egpj.exe'), 'abcgpj.exe');
  assert.equal(cleanText('\uD800x'), '\uFFFDx');
  assert.equal(cleanText('a\r\nb\rc'), 'a\nb\nc');
  assert.equal(cleanText(undefined), '');
  assert.equal(cleanText({ toString: () => '<b>' }), '', 'only strings are text');
});

test('only bitweb links become links, to the canonical address of what they name', () => {
  const parts = bodyParts(`See http://${HEX.toUpperCase()}.bitweb/a/b.html?x=1, also web+bitweb://${HEX}/c and magnet:?xt=urn:btih:${HEX}. Not https://example.com/.`);
  const links = parts.filter((p) => p.href);
  assert.deepEqual(links.map((l) => l.href), [
    `http://${HEX}.bitweb/a/b.html?x=1`,
    `http://${HEX}.bitweb/c`,
    `http://${HEX}.bitweb/`,
  ]);
  assert.equal(links[0].text, `http://${HEX.toUpperCase()}.bitweb/a/b.html?x=1`, 'shown as written, minus trailing punctuation');
  assert.equal(parts.map((p) => p.text).join(''), `See http://${HEX.toUpperCase()}.bitweb/a/b.html?x=1, also web+bitweb://${HEX}/c and magnet:?xt=urn:btih:${HEX}. Not https://example.com/.`);
});

test('an item shows author, key, time and the actions the viewer may take', () => {
  const plain = itemView(comment('hello'), { now: NOW });
  const words = nodes(plain).map((n) => n.text).filter(Boolean);
  assert.deepEqual(words.slice(0, 3), ['Ada', shortKey(KEY), '2 min ago']);
  assert.deepEqual(nodes(plain).filter((n) => n.tag === 'button').map((n) => n.text), ['Reply', 'Mute author']);
  const owner = itemView(comment('hello'), { owner: true, now: NOW });
  assert.deepEqual(nodes(owner).filter((n) => n.tag === 'button').map((n) => n.text), ['Reply', 'Mute author', 'Hide', 'Hide author']);
  const mine = itemView(comment('hello', { mine: true }), { owner: true, now: NOW });
  assert.deepEqual(nodes(mine).filter((n) => n.tag === 'button').map((n) => n.text), ['Reply', 'Hide']);
  const hidden = itemView(comment('spam', { hidden: true }), { owner: true, now: NOW });
  assert.ok(nodes(hidden).some((n) => n.text === 'hidden by you'));
  assert.deepEqual(nodes(hidden).filter((n) => n.tag === 'button').map((n) => n.text), ['Mute author', 'Unhide', 'Hide author']);
  const muted = itemView(comment('troll', { muted: true }), { now: NOW });
  assert.ok(!nodes(muted).some((n) => n.text === 'troll'), 'a muted body is not shown');
  assert.ok(nodes(muted).some((n) => n.text === 'Unmute author'));
  const deep = itemView(comment('deep', { depth: 99 }), { now: NOW });
  assert.equal(deep.attrs['data-depth'], '8');
  assert.ok(nodes(itemView(comment('x', { name: '' }), { now: NOW })).some((n) => n.text === 'Anonymous'));
});

test('a listing: count, threads in the order given, pager, linked from', () => {
  const listing = {
    total: 120, page: 1, pages: 3, owner: false,
    comments: [comment('one'), comment('two', { depth: 1, parent: 'cd'.repeat(32) })],
    linkedFrom: [{ id: 'ef'.repeat(32), kind: 'link', author: KEY, time: NOW / 1000 - 7200, body: 'a <b>good</b> read', from: `http://${HEX}.bitweb/blog/` },
      { id: 'ee'.repeat(32), kind: 'response', author: KEY, time: NOW / 1000, body: '', from: 'javascript:alert(1)' }],
    linkedFromTotal: 2,
  };
  const tree = listingView(listing, { now: NOW });
  assertSafe(tree);
  const all = nodes(tree);
  assert.ok(all.some((n) => n.text === '120 comments'));
  assert.ok(all.some((n) => n.text === 'Page 2 of 3'));
  assert.deepEqual(all.filter((n) => n.attrs?.['data-action'] === 'page').map((n) => n.attrs['data-page']), ['0', '2']);
  const links = all.filter((n) => n.tag === 'a');
  assert.deepEqual(links.map((n) => n.attrs.href), [`http://${HEX}.bitweb/blog/`], 'the javascript: "page" is not a link');
  assert.equal(links[0].text, 'a <b>good</b> read');
  assert.ok(all.some((n) => n.text === 'Linked from (2)'));
  const empty = listingView({ total: 0, comments: [], linkedFrom: [] }, { now: NOW });
  assert.ok(nodes(empty).some((n) => n.text === 'No comments yet. Be the first.'));
  assertSafe(listingView(null));
  assertSafe(linkedFromView({}));
});

test('render.js: elements, text and safe attributes only', () => {
  const calls = [];
  const doc = fakeDocument(calls);
  const tree = { tag: 'div', attrs: { class: 'x', onclick: 'alert(1)', style: 'color:red', 'data-id': 'a', 'data-hue': '120', href: 'javascript:alert(1)' },
    children: [{ tag: 'a', attrs: { href: `http://${HEX}.bitweb/` }, text: '<b>bold</b>' }, { tag: 'a', attrs: { href: 'data:text/html,x' }, text: 'no' }] };
  const element = mount(tree, doc);
  assert.deepEqual(element.attributes, { class: 'x', 'data-id': 'a' });
  assert.equal(element.style.hue, '120');
  assert.deepEqual(element.children[0].attributes, { href: `http://${HEX}.bitweb/` });
  assert.equal(element.children[0].textContent, '<b>bold</b>');
  assert.deepEqual(element.children[1].attributes, {}, 'a data: href is dropped');
  assert.ok(!calls.some((call) => /html/i.test(call)), `no HTML parsing call: ${calls}`);
  assert.equal(safeHref(`http://${HEX}.bitweb.evil.example/`), false);
  assert.equal(safeHref(`http://user@${HEX}.bitweb/`), false);
});

test('posting as, and the privacy line', () => {
  assert.equal(postingAs({ name: 'Ada', author: KEY }), `Posting as Ada (${shortKey(KEY)}).`);
  assert.equal(postingAs({ author: KEY, perSite: true }), `Posting as key ${shortKey(KEY)}, a key for this site only.`);
  assert.equal(postingAs(null), 'Posting as a new key made for you.');
  assert.equal(postingAs({ name: '<script>\u202E' }), 'Posting as <script>.');
  assert.equal(timeAgo(NOW / 1000 - 5, NOW), 'just now');
  assert.equal(timeAgo(NOW / 1000 - 3 * 86400, NOW), '3 days ago');
  assert.equal(timeAgo(NOW / 1000 - 400 * 86400, NOW), '2024-12-29');
});

/** A document that records what is called on it; elements keep attributes and text. */
function fakeDocument(calls) {
  return {
    createElement(tag) {
      calls.push(`createElement ${tag}`);
      const element = {
        tag, attributes: {}, children: [], textContent: '', style: {
          setProperty(name, value) { element.style[name.replace(/^--/, '')] = value; },
        },
        setAttribute(name, value) { calls.push(`setAttribute ${name}`); element.attributes[name] = value; },
        append(child) { element.children.push(child); },
      };
      return new Proxy(element, {
        set(target, name, value) {
          calls.push(`set ${String(name)}`);
          target[name] = value;
          return true;
        },
      });
    },
  };
}
