import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { PACKAGES, packageAll, storeManifest, storeProblems } from '../package.mjs';
import { manifestFor } from '../build.mjs';
import { crc32, unzip, zip } from '../scripts/zip.mjs';

test('crc32 matches the standard check value', () => {
  assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
  assert.equal(crc32(Buffer.alloc(0)), 0);
});

test('zip round-trips deflated and stored entries with UTF-8 names', () => {
  const entries = [
    { name: 'manifest.json', data: Buffer.from('{"a":1}'.repeat(50)) },
    { name: 'src/ü.js', data: Buffer.from('x') },
    { name: 'icons/empty.png', data: Buffer.alloc(0) },
  ];
  const back = unzip(zip(entries));
  assert.deepEqual(back.map((e) => [e.name, e.data.toString('hex')]), entries.map((e) => [e.name, e.data.toString('hex')]));
  assert.throws(() => zip([{ name: '../evil', data: Buffer.alloc(1) }]), RangeError);
  assert.throws(() => zip([{ name: '/abs', data: Buffer.alloc(1) }]), RangeError);
});

let out;
before(async () => {
  out = await mkdtemp(join(tmpdir(), 'bitweb-package-'));
});
after(async () => {
  await rm(out, { recursive: true, force: true });
});

test('node extension/package.mjs: a .zip for Chrome and an .xpi for Firefox, manifest at the root, reproducible', async () => {
  const files = await packageAll({ outDir: out });
  assert.deepEqual(files, [join(out, PACKAGES.chrome), join(out, PACKAGES.firefox)]);
  for (const [browser, file] of Object.entries(PACKAGES)) {
    const bytes = await readFile(join(out, file));
    const entries = unzip(bytes);
    const names = entries.map((e) => e.name);
    assert.ok(names.includes('manifest.json'), `${file} has manifest.json at its root`);
    assert.ok(names.includes('rules/isolation.json'));
    assert.ok(names.includes('src/content/webrtc.js'));
    assert.deepEqual(names, [...names].sort(), 'sorted names');
    const manifest = JSON.parse(entries.find((e) => e.name === 'manifest.json').data);
    if (browser === 'chrome') assert.ok(manifest.background.service_worker);
    else assert.equal(manifest.browser_specific_settings.gecko.id, 'bitweb@bitweb.org');
    assert.deepEqual(storeProblems(browser, manifest), [], `${file}: what its store checks`);
    const probe = spawnSync('unzip', ['-tq', join(out, file)], { encoding: 'utf8' });
    if (probe.error) {
      console.log('# unzip is not installed; the package was checked with our own reader only');
    } else {
      assert.equal(probe.status, 0, `unzip -t ${file}: ${probe.stdout}${probe.stderr}`);
    }
  }
  const first = await readFile(join(out, PACKAGES.firefox));
  await packageAll({ outDir: out });
  assert.ok(first.equals(await readFile(join(out, PACKAGES.firefox))), 'the same sources give the same bytes');
});

test('the Chrome zip has no "key" (the Web Store refuses it); the unpacked build keeps it for its fixed ID', async () => {
  await packageAll({ outDir: out });
  const zipped = JSON.parse(unzip(await readFile(join(out, PACKAGES.chrome))).find((e) => e.name === 'manifest.json').data);
  const unpacked = JSON.parse(await readFile(join(out, 'chrome', 'manifest.json'), 'utf8'));
  assert.equal('key' in zipped, false);
  assert.equal(typeof unpacked.key, 'string');
  const { key, ...rest } = unpacked;
  assert.deepEqual(zipped, rest, 'nothing else differs');
});

test('both packages carry the pom\'s version, and the XPI what AMO asks for', async () => {
  await packageAll({ outDir: out });
  const manifestIn = async (file) => JSON.parse(unzip(await readFile(join(out, file))).find((e) => e.name === 'manifest.json').data);
  const chrome = await manifestIn(PACKAGES.chrome);
  const firefox = await manifestIn(PACKAGES.firefox);
  const expected = await manifestFor('firefox');
  for (const manifest of [chrome, firefox]) {
    assert.equal(manifest.version, expected.version);
    assert.equal(manifest.version_name, expected.version_name);
  }
  const gecko = firefox.browser_specific_settings.gecko;
  assert.deepEqual(gecko.data_collection_permissions, { required: ['none'] }, 'BitWeb collects nothing');
  assert.ok(Number.parseFloat(gecko.strict_min_version) >= 140, 'data_collection_permissions needs Firefox 140');
  assert.ok(Number.parseFloat(firefox.browser_specific_settings.gecko_android.strict_min_version) >= 142, '... and 142 on Android');
});

test('storeProblems names what a store would refuse; storeManifest drops only Chrome\'s key', async () => {
  const chrome = storeManifest('chrome', await manifestFor('chrome'));
  const firefox = storeManifest('firefox', await manifestFor('firefox'));
  assert.deepEqual(storeProblems('chrome', chrome), []);
  assert.deepEqual(storeProblems('firefox', firefox), []);
  assert.match(storeProblems('chrome', { ...chrome, key: 'MIIB' }).join(), /refuses a manifest with "key"/);
  assert.match(storeProblems('chrome', { ...chrome, version: '0.3.0-SNAPSHOT' }).join(), /only numbers/);
  assert.match(storeProblems('firefox', { ...firefox, version: 'abc' }).join(), /cannot be a browser extension version/);
  assert.match(storeProblems('chrome', { ...chrome, description: 'x'.repeat(133) }).join(), /132/);
  assert.match(storeProblems('chrome', { ...chrome, manifest_version: 2 }).join(), /manifest_version/);
  const noGecko = { ...firefox, browser_specific_settings: {} };
  assert.match(storeProblems('firefox', noGecko).join(), /gecko\.id.*data_collection_permissions/);
  assert.equal(storeManifest('firefox', { key: 'k' }).key, 'k', 'Firefox has no key to drop');
});
