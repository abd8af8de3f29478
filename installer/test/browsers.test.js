// The browser table (installer/browsers.json) as data: the rows both installers read, the
// macOS folders and Windows registry keys that cannot be exercised on this Linux machine,
// and the Windows installer's use of them. install.ps1 cannot run here (no PowerShell on
// Debian's or npm's registries), so its commands are checked as the table they come from.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TEXT = readFileSync(join(REPO, 'installer', 'browsers.json'), 'utf8');
const TABLE = JSON.parse(TEXT).rows;
const IDS = JSON.parse(readFileSync(join(REPO, 'extension', 'ids.json'), 'utf8'));
const BROWSERS = ['chrome', 'chromium', 'brave', 'edge', 'firefox'];

test('one row per browser x OS x scope, nothing missing, nothing twice', () => {
  const keys = TABLE.map((r) => `${r.browser}/${r.os}/${r.scope}`);
  assert.equal(new Set(keys).size, keys.length);
  for (const os of ['linux', 'macos', 'windows']) {
    for (const scope of ['user', 'system']) {
      assert.deepEqual(TABLE.filter((r) => r.os === os && r.scope === scope).map((r) => r.browser).sort(), [...BROWSERS].sort(), `${os}/${scope}`);
    }
  }
  for (const row of TABLE) {
    assert.equal(row.family, row.browser === 'firefox' ? 'firefox' : 'chromium');
    assert.equal(typeof row.checked, 'boolean');
  }
});

test('each row is one line with the keys in the order install.sh parses', () => {
  const lines = TEXT.split('\n').filter((l) => l.includes('"browser":'));
  assert.equal(lines.length, TABLE.length);
  const unix = /^\s*\{"browser": "[a-z]+", "family": "[a-z]+", "os": "(linux|macos)", "scope": "(user|system)", "dir": "[^"\\]+", "checked": (true|false)\},?$/;
  const windows = /^\s*\{"browser": "[a-z]+", "family": "[a-z]+", "os": "windows", "scope": "(user|system)", "key": "[^"]+", "checked": (true|false)\},?$/;
  for (const line of lines) assert.ok(unix.test(line) || windows.test(line), line);
});

test('Linux and macOS folders: user rows under HOME or XDG_CONFIG_HOME, system rows absolute', () => {
  for (const row of TABLE.filter((r) => r.os !== 'windows')) {
    if (row.scope === 'user') assert.match(row.dir, /^\$\{(HOME|XDG_CONFIG_HOME)\}\//, JSON.stringify(row));
    else assert.match(row.dir, /^\//, JSON.stringify(row));
    if (row.os === 'macos') assert.doesNotMatch(row.dir, /XDG_CONFIG_HOME/, 'macOS has no XDG folders');
  }
});

test('macOS folders, as the browsers document them', () => {
  const mac = Object.fromEntries(TABLE.filter((r) => r.os === 'macos').map((r) => [`${r.browser}/${r.scope}`, r.dir]));
  assert.deepEqual(mac, {
    'chrome/user': '${HOME}/Library/Application Support/Google/Chrome/NativeMessagingHosts',
    'chromium/user': '${HOME}/Library/Application Support/Chromium/NativeMessagingHosts',
    'brave/user': '${HOME}/Library/Application Support/BraveSoftware/Brave-Browser/NativeMessagingHosts',
    'edge/user': '${HOME}/Library/Application Support/Microsoft Edge/NativeMessagingHosts',
    'firefox/user': '${HOME}/Library/Application Support/Mozilla/NativeMessagingHosts',
    'chrome/system': '/Library/Google/Chrome/NativeMessagingHosts',
    'chromium/system': '/Library/Application Support/Chromium/NativeMessagingHosts',
    'brave/system': '/Library/Application Support/BraveSoftware/Brave-Browser/NativeMessagingHosts',
    'edge/system': '/Library/Microsoft/Edge/NativeMessagingHosts',
    'firefox/system': '/Library/Application Support/Mozilla/NativeMessagingHosts',
  });
});

/** What install.ps1 runs for each Windows row: the default value of <key>\org.bitweb.host names the manifest. */
function windowsPlan(scope, appDir) {
  return TABLE.filter((r) => r.os === 'windows' && r.scope === scope)
    .map((r) => `reg.exe add "${r.key}\\${IDS.host}" /ve /t REG_SZ /d "${appDir}\\${IDS.host}.${r.family}.json" /f`);
}

test('Windows registry commands, per user (HKCU) and for the machine (HKLM)', () => {
  const app = 'C:\\Users\\me\\AppData\\Local\\BitWeb\\app';
  assert.deepEqual(windowsPlan('user', app), [
    `reg.exe add "HKCU\\Software\\Google\\Chrome\\NativeMessagingHosts\\org.bitweb.host" /ve /t REG_SZ /d "${app}\\org.bitweb.host.chromium.json" /f`,
    `reg.exe add "HKCU\\Software\\Chromium\\NativeMessagingHosts\\org.bitweb.host" /ve /t REG_SZ /d "${app}\\org.bitweb.host.chromium.json" /f`,
    `reg.exe add "HKCU\\Software\\BraveSoftware\\Brave-Browser\\NativeMessagingHosts\\org.bitweb.host" /ve /t REG_SZ /d "${app}\\org.bitweb.host.chromium.json" /f`,
    `reg.exe add "HKCU\\Software\\Microsoft\\Edge\\NativeMessagingHosts\\org.bitweb.host" /ve /t REG_SZ /d "${app}\\org.bitweb.host.chromium.json" /f`,
    `reg.exe add "HKCU\\Software\\Mozilla\\NativeMessagingHosts\\org.bitweb.host" /ve /t REG_SZ /d "${app}\\org.bitweb.host.firefox.json" /f`,
  ]);
  for (const line of windowsPlan('system', 'C:\\Program Files\\BitWeb')) assert.match(line, /^reg\.exe add "HKLM\\Software\\/);
});

test('install.ps1 takes its keys from the table and writes, checks and removes them the documented way', () => {
  const ps1 = readFileSync(join(REPO, 'installer', 'install.ps1'), 'utf8');
  assert.match(ps1, /Join-Path \$PSScriptRoot 'browsers\.json'/);
  assert.match(ps1, /\$_\.os -eq 'windows' -and \$_\.scope -eq \$Scope/);
  assert.match(ps1, /extension\\ids\.json/);
  assert.doesNotMatch(ps1, /HKCU\\\\Software|HKCU\\Software\\Google/, 'no key is hard-coded: they come from the table');
  assert.match(ps1, /Invoke-Reg @\('add', \$key, '\/ve', '\/t', 'REG_SZ', '\/d', \(Get-ManifestPath \$row\.family\), '\/f'\)/);
  assert.match(ps1, /Invoke-Reg @\('delete', \$value, '\/f'\)/);
  assert.match(ps1, /Join-Path \$AppDir "\$HostName\.\$Family\.json"/);
  assert.match(ps1, /allowed_extensions = @\(\$Ids\.firefox\)/);
  assert.match(ps1, /allowed_origins = @\("chrome-extension:\/\/\$\(\$Ids\.chrome\)\/"\)/);
  assert.match(ps1, /-jar `"\$JarPath`" host %\*/, 'the launcher runs the host');
  for (const option of ['Uninstall', 'Check', 'System', 'Browser', 'Jar', 'DryRun']) assert.match(ps1, new RegExp(`\\[(switch|string|string\\[\\])\\]\\$${option}\\b`));
  // uninstall mirrors install: every thing written is recorded
  for (const kind of ["'regkey' \\$key", "'file' \\$JarPath", "'file' \\$HostLauncher", "'file' \\$manifestPath"]) {
    assert.match(ps1, new RegExp(`Add-Record ${kind}`));
  }
});
