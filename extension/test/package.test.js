import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { PACKAGES, packageAll } from '../package.mjs';
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
