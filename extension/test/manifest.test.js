import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { buildBrowser, manifestFor, mergeManifest, referencedFiles } from '../build.mjs';
import { PAGE_PATTERNS, TOP_LEVEL_PATTERNS } from '../src/hosts.js';
import { isolationRules } from '../src/isolation.js';

test('mergeManifest: objects merge deeply, arrays add without duplicates, scalars replace', () => {
  const base = { a: 1, nested: { x: 1, y: { z: 1 } }, list: ['p', 'q'], keep: true };
  const overlay = { a: 2, nested: { y: { w: 2 } }, list: ['q', 'r'], extra: 'e' };
  assert.deepEqual(mergeManifest(base, overlay), {
    a: 2,
    nested: { x: 1, y: { z: 1, w: 2 } },
    list: ['p', 'q', 'r'],
    keep: true,
    extra: 'e',
  });
  assert.deepEqual(base.nested.y, { z: 1 }, 'the base is not modified');
});

test('chrome manifest: MV3 service worker module and key, no background scripts', async () => {
  const m = await manifestFor('chrome');
  assert.equal(m.manifest_version, 3);
  assert.equal(m.background.service_worker, 'src/background.js');
  assert.equal(m.background.type, 'module');
  assert.equal(m.background.scripts, undefined);
  assert.equal(typeof m.key, 'string');
  assert.equal(m.browser_specific_settings, undefined);
});

test('firefox manifest: background scripts and gecko id, no service worker or key', async () => {
  const m = await manifestFor('firefox');
  assert.equal(m.manifest_version, 3);
  assert.deepEqual(m.background.scripts, ['src/background.js']);
  assert.equal(m.background.service_worker, undefined);
  assert.equal(m.key, undefined);
  assert.equal(m.browser_specific_settings.gecko.id, 'bitweb@bitweb.org');
  const [major] = m.browser_specific_settings.gecko.strict_min_version.split('.').map(Number);
  assert.ok(major >= 140, 'ESR 140 or newer: MAIN-world content scripts (128) and data_collection_permissions (140)');
  assert.deepEqual(m.protocol_handlers, [{ protocol: 'web+bitweb', name: 'BitWeb', uriTemplate: '/src/open.html?link=%s' }]);
});

test('both manifests ask for the permissions routing and the host need', async () => {
  for (const browser of ['chrome', 'firefox']) {
    const m = await manifestFor(browser);
    const sidebar = browser === 'chrome' ? ['sidePanel'] : []; // Firefox's sidebar_action needs no permission
    // Firefox: the blocking top-level listener that holds a sandboxed frame's popup (isolation.js topLevelVerdict)
    const popups = browser === 'firefox' ? ['webRequest', 'webRequestBlocking'] : [];
    // cookies: a site's cookie for a parent domain is removed (src/cookies.js)
    assert.deepEqual(m.permissions, ['nativeMessaging', 'proxy', 'storage', 'declarativeNetRequest', 'webNavigation', 'privacy', 'cookies', ...sidebar, ...popups], browser);
    assert.equal(m.optional_permissions, undefined, `${browser}: privacy is needed from install on (network prediction off)`);
    assert.equal(m.optional_host_permissions, undefined, `${browser}: every host permission is asked for at install`);
    // Firefox's listener must see a popup's first request wherever it goes: every http(s) host.
    // Chromium gets nothing beyond BitWeb (it has no blocking webRequest to use it for).
    const everyHost = browser === 'firefox' ? [...TOP_LEVEL_PATTERNS] : [];
    assert.deepEqual(m.host_permissions, [...PAGE_PATTERNS, ...everyHost], `${browser}: the namespace of src/hosts.js${everyHost.length ? ', and every host for the top-level listener' : ', nothing beyond BitWeb'}`);
    assert.equal(m.action.default_popup, 'src/popup.html');
  }
});

test('the comments sidebar: Chrome side_panel and Firefox sidebar_action, one page from the one source tree', async () => {
  const chrome = await manifestFor('chrome');
  assert.equal(chrome.side_panel.default_path, 'src/sidebar.html');
  assert.ok(Number(chrome.minimum_chrome_version) >= 116, 'sidePanel.open came with Chrome 116');
  assert.equal(chrome.sidebar_action, undefined);
  const firefox = await manifestFor('firefox');
  assert.equal(firefox.sidebar_action.default_panel, 'src/sidebar.html');
  assert.equal(firefox.sidebar_action.open_at_install, false, 'the sidebar opens when the person asks for it');
  assert.equal(firefox.side_panel, undefined);
  assert.ok(referencedFiles(chrome).includes('src/sidebar.html'));
  assert.ok(referencedFiles(firefox).includes('src/sidebar.html'));
});

test('the isolation ruleset is static and on from install; content scripts cover BitWeb pages only', async () => {
  for (const browser of ['chrome', 'firefox']) {
    const m = await manifestFor(browser);
    assert.deepEqual(m.declarative_net_request.rule_resources, [{ id: 'isolation', enabled: true, path: 'rules/isolation.json' }]);
    const [webrtc, links] = m.content_scripts;
    for (const entry of [webrtc, links]) {
      assert.deepEqual(entry.matches, PAGE_PATTERNS);
      assert.equal(entry.all_frames, true);
      assert.equal(entry.run_at, 'document_start');
      assert.equal(entry.match_origin_as_fallback, true, 'also about:blank, srcdoc, blob: and data: frames of BitWeb pages');
    }
    assert.deepEqual(webrtc.js, ['src/content/webrtc.js']);
    assert.equal(webrtc.world, 'MAIN', 'must run before page scripts, in their world');
    assert.deepEqual(links.js, ['src/content/hosts.js', 'src/content/links.js'], 'the generated host check first');
    assert.equal(links.world, undefined, 'the isolated world: it uses the extension API');
  }
});

test('unknown browser is an error', async () => {
  await assert.rejects(manifestFor('safari'), /unknown browser "safari"/);
});

let out;
before(async () => {
  out = await mkdtemp(join(tmpdir(), 'bitweb-build-'));
});
after(async () => {
  await rm(out, { recursive: true, force: true });
});

for (const browser of ['chrome', 'firefox']) {
  test(`build writes a loadable ${browser} folder`, async () => {
    const folder = await buildBrowser(browser, { outDir: out });
    assert.equal(folder, join(out, browser));
    const manifest = JSON.parse(await readFile(join(folder, 'manifest.json'), 'utf8'));
    for (const file of referencedFiles(manifest)) {
      assert.ok((await stat(join(folder, file))).isFile(), `${file} is in the build`);
    }
    const rules = JSON.parse(await readFile(join(folder, 'rules', 'isolation.json'), 'utf8'));
    assert.deepEqual(rules, isolationRules());
    assert.match(await readFile(join(folder, 'src', 'content', 'hosts.js'), 'utf8'), /var isBitwebPageHost = function isBitwebPageHost\(host\)/);
    const info = await readFile(join(folder, 'src', 'build-info.js'), 'utf8');
    assert.match(info, new RegExp(`"browser":"${browser}"`));
    assert.match(info, /installer\/install\.sh/);
    // building again replaces the folder and leaves no staging folders behind
    await buildBrowser(browser, { outDir: out });
    assert.deepEqual((await readdir(out)).filter((name) => name.startsWith('.')), []);
  });
}
