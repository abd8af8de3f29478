import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { buildBrowser, manifestFor, mergeManifest, referencedFiles } from '../build.mjs';

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
  assert.ok(major >= 115, 'ESR 115 or newer');
});

test('both manifests ask for the permissions routing and the host need', async () => {
  for (const browser of ['chrome', 'firefox']) {
    const m = await manifestFor(browser);
    for (const permission of ['nativeMessaging', 'proxy', 'storage']) {
      assert.ok(m.permissions.includes(permission), `${browser} needs ${permission}`);
    }
    assert.ok(m.host_permissions.includes('*://*.bitweb/*'), `${browser} host permission`);
    assert.equal(m.action.default_popup, 'src/popup.html');
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
    const info = await readFile(join(folder, 'src', 'build-info.js'), 'utf8');
    assert.match(info, new RegExp(`"browser":"${browser}"`));
    assert.match(info, /installer\/install\.sh/);
    // building again replaces the folder and leaves no staging folders behind
    await buildBrowser(browser, { outDir: out });
    assert.deepEqual((await readdir(out)).filter((name) => name.startsWith('.')), []);
  });
}
