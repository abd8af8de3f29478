// One version: the root pom.xml's, stamped into both manifests by build.mjs.

import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { BROWSERS, EXTENSION_DIR, buildBrowser, manifestFor } from '../build.mjs';
import { manifestVersion, pomVersion } from '../scripts/version.mjs';

const ROOT_POM = new URL('../../pom.xml', import.meta.url);

const pom = (version, { before = '', after = '' } = {}) => `<?xml version="1.0" encoding="UTF-8"?>
<project>
  <modelVersion>4.0.0</modelVersion>
  ${before}
  <groupId>org.bitweb</groupId>
  <artifactId>bitweb-parent</artifactId>
  <!-- <version>9.9.9</version> (a comment is not the version) -->
  <version>${version}</version>
  ${after}
</project>`;

test('pomVersion: the <version> right after <artifactId>bitweb-parent</artifactId>', () => {
  assert.equal(pomVersion(pom('0.3.0')), '0.3.0');
  assert.equal(pomVersion(pom(' 1.2.3-SNAPSHOT ')), '1.2.3-SNAPSHOT');
  const parent = '<parent><groupId>x</groupId><artifactId>base</artifactId><version>7.0</version></parent>';
  const dependency = '<dependencies><dependency><artifactId>bt-core</artifactId><version>1.10</version></dependency></dependencies>';
  assert.equal(pomVersion(pom('0.3.0', { before: parent, after: dependency })), '0.3.0');
  assert.throws(() => pomVersion('<project><artifactId>other</artifactId><version>1.0</version></project>'), /bitweb-parent/);
});

test('manifestVersion: numbers for the stores, a qualifier as version_name', () => {
  assert.deepEqual(manifestVersion('0.3.0'), { version: '0.3.0' });
  assert.deepEqual(manifestVersion('1'), { version: '1' });
  assert.deepEqual(manifestVersion('1.2.3.4'), { version: '1.2.3.4' });
  assert.deepEqual(manifestVersion('0.3.0-SNAPSHOT'), { version: '0.3.0', version_name: '0.3.0-SNAPSHOT' });
  assert.deepEqual(manifestVersion('1.0-rc.1'), { version: '1.0', version_name: '1.0-rc.1' });
  for (const bad of ['', 'abc', '1.2.3.4.5', '01.2', '1.65536', '1..2', '1.2.', 'v1.2', '1.2 beta', '${revision}']) {
    assert.throws(() => manifestVersion(bad), RangeError, bad);
  }
});

test('both manifests carry the root pom.xml\'s version; manifest/*.json none of their own', async () => {
  const expected = manifestVersion(pomVersion(await readFile(ROOT_POM, 'utf8')));
  for (const browser of BROWSERS) {
    const manifest = await manifestFor(browser);
    assert.equal(manifest.version, expected.version, browser);
    assert.equal(manifest.version_name, expected.version_name, browser);
  }
  for (const file of ['common', ...BROWSERS]) {
    const part = JSON.parse(await readFile(join(EXTENSION_DIR, 'manifest', `${file}.json`), 'utf8'));
    assert.equal(part.version, undefined, `manifest/${file}.json`);
  }
});

test('the pom decides: another version there is the built manifests\' version; a manifest with its own is refused', async () => {
  const root = await mkdtemp(join(tmpdir(), 'bitweb-version-'));
  try {
    const dir = join(root, 'extension');
    for (const part of ['manifest', 'src', 'icons', 'ids.json']) await cp(join(EXTENSION_DIR, part), join(dir, part), { recursive: true });
    await writeFile(join(root, 'pom.xml'), pom('9.8.7'));
    for (const browser of BROWSERS) {
      const folder = await buildBrowser(browser, { dir, outDir: join(root, 'dist') });
      const built = JSON.parse(await readFile(join(folder, 'manifest.json'), 'utf8'));
      assert.equal(built.version, '9.8.7', browser);
      assert.equal('version_name' in built, false, browser);
    }
    await writeFile(join(root, 'pom.xml'), pom('9.8.7-SNAPSHOT'));
    assert.equal((await manifestFor('firefox', dir)).version_name, '9.8.7-SNAPSHOT');

    const common = JSON.parse(await readFile(join(dir, 'manifest', 'common.json'), 'utf8'));
    await writeFile(join(dir, 'manifest', 'common.json'), JSON.stringify({ ...common, version: '0.2.0' }));
    await assert.rejects(manifestFor('chrome', dir), /common\.json has a version of its own/);
    await rm(join(root, 'pom.xml'));
    await writeFile(join(dir, 'manifest', 'common.json'), JSON.stringify(common));
    await assert.rejects(manifestFor('chrome', dir), /cannot read .*pom\.xml/);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
