// Mozilla's linter for the Firefox build. web-ext is a root devDependency (npm ci); the
// same check by hand: npm run lint:firefox (= web-ext lint --source-dir extension/dist/firefox).
// Without node_modules the test is skipped with the reason.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildBrowser } from '../build.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const WEB_EXT = join(ROOT, 'node_modules', '.bin', 'web-ext');

test('web-ext lint: the Firefox build has no errors', { timeout: 120_000, skip: existsSync(WEB_EXT) ? false : `web-ext is not installed (run npm ci in ${ROOT})` }, async () => {
  const out = await mkdtemp(join(tmpdir(), 'bitweb-lint-'));
  try {
    const folder = await buildBrowser('firefox', { outDir: out });
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
    const summary = (list) => list.map((m) => `${m.code}: ${m.message} (${m.file ?? ''})`).join('\n');
    assert.deepEqual(report.errors, [], `web-ext lint errors:\n${summary(report.errors)}`);
    if (report.warnings.length) console.log(`# web-ext lint warnings:\n# ${summary(report.warnings).replace(/\n/g, '\n# ')}`);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});
