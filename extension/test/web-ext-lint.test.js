// Mozilla's linter, on the very .xpi that package.mjs makes (unpacked into a folder, as
// web-ext wants it): AMO runs the same linter on upload, and a store-ready package gives it
// no error and no warning. web-ext is a root devDependency (npm ci); the same check by hand:
// npm run lint:firefox. Without node_modules the test is skipped with the reason, or fails
// where the tools are required (CI sets BITWEB_INTEROP_REQUIRED=1).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PACKAGES, packageAll } from '../package.mjs';
import { unzip } from '../scripts/zip.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const WEB_EXT = join(ROOT, 'node_modules', '.bin', 'web-ext');
const REQUIRED = process.env.BITWEB_INTEROP_REQUIRED === '1';
const missing = existsSync(WEB_EXT) ? null : `web-ext is not installed (run npm ci in ${ROOT})`;

test('web-ext lint: the packaged .xpi has no errors and no warnings', { timeout: 120_000, skip: missing && !REQUIRED ? missing : false }, async () => {
  assert.equal(missing, null, missing ?? '');
  const out = await mkdtemp(join(tmpdir(), 'bitweb-lint-'));
  try {
    await packageAll({ outDir: join(out, 'dist') });
    const folder = join(out, 'xpi');
    for (const { name, data } of unzip(await readFile(join(out, 'dist', PACKAGES.firefox)))) {
      await mkdir(dirname(join(folder, name)), { recursive: true });
      await writeFile(join(folder, name), data);
    }
    const result = spawnSync(WEB_EXT, ['lint', '--source-dir', folder, '--output', 'json', '--no-config-discovery'], {
      encoding: 'utf8',
      env: { ...process.env, WEB_EXT_UPDATE_CHECK: 'false' },
      timeout: 110_000,
    });
    assert.equal(result.error, undefined, String(result.error));
    let report;
    try {
      report = JSON.parse(result.stdout);
    } catch {
      assert.fail(`web-ext lint printed no JSON:\n${result.stdout}\n${result.stderr}`);
    }
    const summary = (list) => list.map((m) => `${m.code}: ${m.message} ${m.description ?? ''} (${m.file ?? ''})`).join('\n');
    assert.deepEqual(report.errors, [], `web-ext lint errors:\n${summary(report.errors)}`);
    assert.deepEqual(report.warnings, [], `web-ext lint warnings:\n${summary(report.warnings)}`);
    if (report.notices.length) console.log(`# web-ext lint notices:\n# ${summary(report.notices).replace(/\n/g, '\n# ')}`);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});
