// The comments sidebar end to end (docs/COMMENTS.md, docs/EXTENSION.md): the sidebar page
// opened in a tab of its own following the site's tab (no automation can open a browser's
// sidebar UI; `sidebar.html?tab=<id>` runs the same code on the same data), its first paint
// for a page with 10,000 comments, a post with the privacy note before it, comments from a
// second engine (a script running `bitweb comment`) appearing by themselves, hostile bodies
// rendered as text, and the toolbar badge's count.

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand, startEngine } from './bitweb.js';
import { screenshot } from './steps.js';
import { waitFor } from './wait.js';

/** The page the workspace fills before its engine starts (workspace.js). */
export const MANY_COMMENTS = Object.freeze({ page: 'many.html', count: 10_000 });

/** The id of the browser tab showing the site, as the extension sees it. */
async function siteTabId(popup, address) {
  return waitFor('the site tab', () => popup.evaluate(async (addr) => {
    const ext = globalThis.browser ?? globalThis.chrome;
    const tabs = await ext.tabs.query({ url: '*://*.bitweb/*' });
    return tabs.find((tab) => tab.url.includes(addr))?.id ?? null;
  }, address), { timeoutMs: 10_000 });
}

/** What the sidebar shows now. */
function sidebarFacts(sidebar) {
  return sidebar.evaluate(() => ({
    page: document.getElementById('page')?.textContent ?? '',
    count: document.getElementById('count')?.textContent ?? null,
    status: document.getElementById('status')?.hidden ? '' : document.getElementById('status')?.textContent ?? '',
    items: [...document.querySelectorAll('.comments > li')].map((li) => ({
      id: li.dataset.id,
      body: li.querySelector('.body')?.textContent ?? '',
      mine: [...li.querySelectorAll('.tag')].some((tag) => tag.textContent === 'you'),
    })),
    firstPaintMs: Number(document.documentElement.dataset.firstPaintMs ?? NaN),
    firstAskMs: Number(document.documentElement.dataset.firstAskMs ?? NaN),
    firstAnswerMs: Number(document.documentElement.dataset.firstAnswerMs ?? NaN),
    pager: document.querySelector('.pager span')?.textContent ?? null,
  }));
}

function badgeOf(popup, tabId) {
  return popup.evaluate((id) => (globalThis.browser ?? globalThis.chrome).action.getBadgeText({ tabId: id }), tabId);
}

/**
 * The sidebar scenario. `s` is the shared session (scenarios.js) with `s.page` on the site and
 * `s.popup` an extension page.
 */
export async function commentsInTheSidebar(t, s) {
  const { ws, site, popup } = s;
  const tabId = await siteTabId(popup, site.address);
  const manyUrl = `${site.url}${MANY_COMMENTS.page}`;
  await s.page.goto(manyUrl).catch(() => {}); // not a file of the site (a 404 page): its comments are what counts

  // First paint of a page with 10,000 comments: paged, 50 items, then the swarm is asked
  const sidebar = await s.newPage('sidebar');
  await sidebar.setViewport({ width: 380, height: 900 });
  const opened = Date.now();
  await s.adapter.openExtensionPage(sidebar, `${s.extensionBase}src/sidebar.html?tab=${tabId}`);
  const many = await waitFor('the sidebar to show the 10,000 comments', async () => {
    const facts = await sidebarFacts(sidebar);
    return facts.count === `${MANY_COMMENTS.count} comments` ? facts : null;
  }, { timeoutMs: 20_000, intervalMs: 20, describe: (v) => JSON.stringify(v) });
  t.diagnostic(`figure: sidebar first paint with ${MANY_COMMENTS.count} comments: ${many.firstPaintMs} ms after the sidebar `
    + `document started (asked the engine at ${many.firstAskMs} ms, answer at ${many.firstAnswerMs} ms; `
    + `${Date.now() - opened} ms after the test opened it, page load included), ${many.items.length} shown`);
  assert.ok(Number.isFinite(many.firstPaintMs), 'the sidebar recorded its first paint');
  assert.equal(many.items.length, 50, 'one page of 50, not 10,000');
  assert.equal(many.pager, `Page 1 of ${MANY_COMMENTS.count / 50}`);
  assert.equal(many.page, manyUrl);
  await screenshot(sidebar, ws, 'sidebar-many.png');

  // The sidebar follows the tab back to the home page, which has no comments yet
  await s.page.goto(site.url).catch(() => {});
  await waitFor('the sidebar to follow the tab', async () => {
    const facts = await sidebarFacts(sidebar);
    return facts.page === site.url && facts.count === '0 comments' ? facts : null;
  }, { timeoutMs: 15_000, describe: (v) => JSON.stringify(v) });

  // Posting: the privacy note comes first and must be ticked
  await sidebar.type('#post-text', 'A first comment from the sidebar.');
  await sidebar.click('#post-button');
  const note = await waitFor('the privacy note', () => sidebar.evaluate(() => {
    const box = document.getElementById('privacy');
    return box && !box.hidden ? document.getElementById('privacy-text').textContent : null;
  }), { timeoutMs: 5_000 });
  assert.match(note, /see that key/, 'the note says what posting reveals');
  assert.equal((await sidebarFacts(sidebar)).items.length, 0, 'nothing was posted before the note was read');
  await sidebar.click('#privacy-ok');
  await sidebar.click('#post-button');
  const mine = await waitFor('the comment to appear as mine', async () => {
    const facts = await sidebarFacts(sidebar);
    return facts.items.find((item) => item.mine && item.body === 'A first comment from the sidebar.') ?? null;
  }, { timeoutMs: 30_000, describe: () => '' });
  assert.match(mine.id, /^[0-9a-f]{64}$/);

  // A second engine, another person's: it fetches the site from ours, and a script comments
  const homeB = join(ws.tmp, 'home-b');
  mkdirSync(homeB, { recursive: true });
  const engineB = await startEngine(ws.cmd, homeB, join(ws.tmp, 'engine-b.log'));
  ws.cleanup.add('stop the second engine', () => engineB.stop());
  const peerPort = JSON.parse(readFileSync(join(ws.home, 'engine.json'), 'utf8')).peerPort;
  await runCommand(ws.cmd, homeB, ['get', site.url, '--peer', `127.0.0.1:${peerPort}`, '-o', join(ws.tmp, 'copy-b'), '--timeout', '30']);
  const posted = JSON.parse(await runCommand(ws.cmd, homeB, ['comment', site.url, 'Hello from another engine.', '--json']));
  assert.match(posted.id, /^[0-9a-f]{64}$/, JSON.stringify(posted));
  await waitFor('the other engine\'s comment to appear in the sidebar by itself', async () => {
    const facts = await sidebarFacts(sidebar);
    return facts.items.some((item) => item.id === posted.id && !item.mine) ? facts : null;
  }, { timeoutMs: 20_000, describe: (v) => JSON.stringify(v) });

  // A hostile body, as the rules let it through: shown as text, and only the bitweb link is a link
  const hostile = `<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2"> javascript:alert(1) `
    + `[click](javascript:alert(1)) http://${site.address}.bitweb/about`;
  const evil = JSON.parse(await runCommand(ws.cmd, homeB, ['comment', site.url, hostile, '--json']));
  const shown = await waitFor('the hostile comment in the sidebar', () => sidebar.evaluate((id) => {
    const li = document.querySelector(`.comments > li[data-id="${id}"]`);
    if (!li) return null;
    return {
      text: li.querySelector('.body').textContent,
      elements: [...li.querySelector('.body').querySelectorAll('*')].map((e) => e.tagName.toLowerCase()),
      hrefs: [...li.querySelectorAll('a')].map((a) => a.getAttribute('href')),
      handlers: [...li.querySelectorAll('*')].flatMap((e) => [...e.attributes].map((a) => a.name)).filter((n) => n.startsWith('on')),
      pwned: window.pwned ?? null,
      scripts: document.scripts.length,
    };
  }, evil.id), { timeoutMs: 20_000 });
  assert.equal(shown.text, hostile, 'the body is shown exactly as written, as text');
  assert.deepEqual(shown.elements.filter((tag) => tag !== 'span' && tag !== 'a'), [], 'no element came from the body');
  assert.deepEqual(shown.hrefs, [`http://${site.address}.bitweb/about`]);
  assert.deepEqual(shown.handlers, []);
  assert.equal(shown.pwned, null, 'nothing in the body ran');
  assert.equal(shown.scripts, 1, 'the sidebar\'s own module is its only script');
  await screenshot(sidebar, ws, 'sidebar.png');

  // What no engine lets through still renders safely: the same view code, in this browser
  const rendered = await sidebar.evaluate(async (address) => {
    const { listingView } = await import('./comments-view.js');
    const { mount } = await import('./render.js');
    const key = 'ab'.repeat(32);
    const item = (body, extra = {}) => ({ id: 'cd'.repeat(32), kind: 'comment', author: key, name: body, time: 1_770_000_000, body, depth: 0, ...extra });
    const bodies = [
      'abc\u202Egpj.exe \u2066isolated\u2069',
      'x'.repeat(64 * 1024),
      '\uD800lone surrogates \uDC00 and \u0000 control \u001b[31m characters',
      '<svg/onload=window.pwned=3><iframe src="javascript:window.pwned=4">',
    ];
    const listing = {
      total: bodies.length, page: 0, pages: 1,
      comments: bodies.map((body) => item(body)),
      linkedFrom: [item('a "page"', { kind: 'response', from: 'javascript:window.pwned=5' }),
        item('fine', { kind: 'link', from: `http://${address}.bitweb/x` })],
    };
    const box = document.createElement('div');
    document.body.append(box);
    box.append(mount(listingView(listing, { now: Date.now() })));
    await new Promise((resolve) => setTimeout(resolve, 100)); // a chance for anything that would run
    const text = box.textContent;
    const facts = {
      bidi: /[\u202A-\u202E\u2066-\u2069]/.test(text),
      lone: /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text),
      control: /[\u0000-\u0008\u001b]/.test(text),
      longest: Math.max(...[...box.querySelectorAll('.body')].map((b) => b.textContent.length)),
      tags: [...new Set([...box.querySelectorAll('*')].map((e) => e.tagName.toLowerCase()))].sort(),
      hrefs: [...box.querySelectorAll('a')].map((a) => a.getAttribute('href')),
      pwned: window.pwned ?? null,
      width: box.scrollWidth <= document.documentElement.clientWidth + 1,
    };
    box.remove();
    return facts;
  }, site.address);
  t.diagnostic(`hostile rendering: ${JSON.stringify(rendered)}`);
  assert.equal(rendered.bidi, false, 'no bidi override or isolate reaches the page');
  assert.equal(rendered.lone, false, 'no lone surrogate');
  assert.equal(rendered.control, false, 'no control character');
  assert.ok(rendered.longest <= 4001, `a 64 KB body is cut (${rendered.longest})`);
  assert.deepEqual(rendered.tags.filter((tag) => !['a', 'button', 'div', 'h2', 'li', 'ol', 'p', 'span', 'time', 'ul'].includes(tag)), []);
  assert.deepEqual(rendered.hrefs, [`http://${site.address}.bitweb/x`], 'only the bitweb page is a link');
  assert.equal(rendered.pwned, null);
  assert.ok(rendered.width, 'a long body does not widen the sidebar');

  // The toolbar badge counts the page's comments
  const badge = await waitFor('the badge to count the comments', async () => {
    const text = await badgeOf(popup, tabId);
    return text === '3' ? text : null;
  }, { timeoutMs: 15_000, describe: (v) => JSON.stringify(v) });
  assert.equal(badge, '3');

  // A script sees what the sidebar shows: `bitweb comments --json` on the other engine
  const listed = JSON.parse(await runCommand(ws.cmd, homeB, ['comments', site.url, '--json']));
  const ids = (Array.isArray(listed) ? listed : listed.comments).map((c) => c.id);
  assert.ok([mine.id, posted.id, evil.id].every((id) => ids.includes(id)), `bitweb comments lists all three: ${ids}`);
  await sidebar.close();
}
