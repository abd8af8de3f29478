import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  actionError, connectionView, fixCommand, formatPeers, formatSize, formatTransfer, graceHoursField, parseGraceHours, parseStorageLimit, progressPercent,
  publishProgressText, publishRequest, routingView, saltOfAddress, shellWord, siteRow, siteUpdate, siteUrl, storageLimitField,
  storageLimitHint, rateLimitsField, rateLimitsRequest, parseRate, SLOW_LINK,
} from '../src/view.js';

const ADDRESS = '0123456789abcdef0123456789abcdef01234567';

test('formatSize', () => {
  assert.equal(formatSize(0), '0 B');
  assert.equal(formatSize(999), '999 B');
  assert.equal(formatSize(1000), '1.0 kB');
  assert.equal(formatSize(1536), '1.5 kB');
  assert.equal(formatSize(9_960), '10 kB');
  assert.equal(formatSize(12_345_678), '12 MB');
  assert.equal(formatSize(999_950), '1.0 MB');
  assert.equal(formatSize(3.2e9), '3.2 GB');
  assert.equal(formatSize(-1), 'unknown size');
  assert.equal(formatSize(undefined), 'unknown size');
});

test('formatPeers', () => {
  assert.equal(formatPeers(0), 'no peers');
  assert.equal(formatPeers(1), '1 peer');
  assert.equal(formatPeers(7), '7 peers');
  assert.equal(formatPeers(null), 'peers unknown');
});

test('siteRow from a host site record', () => {
  const row = siteRow({
    address: ADDRESS,
    url: `http://${ADDRESS}.bitweb/`,
    name: 'my-blog',
    size: 1_234_567,
    files: 12,
    peers: 3,
    seeding: true,
    published: true,
    uploaded: 2_500_000,
    downloaded: 0,
    progress: 1,
  }, { petNames: { blog: ADDRESS, other: 'f'.repeat(40), a: ADDRESS } });
  assert.deepEqual(row, {
    key: ADDRESS,
    address: ADDRESS,
    name: 'my-blog',
    url: `http://${ADDRESS}.bitweb/`,
    urlText: `http://${ADDRESS}.bitweb/`,
    details: '1.2 MB · 3 peers · 12 files · ↑ 2.5 MB ↓ 0 B',
    title: `Site address ${ADDRESS}`,
    badges: ['published', 'seeding'],
    privacy: 'Reveals you: you published it, so the DHT lists you as its seeder',
    seeding: true,
    percent: 100,
    complete: true,
    progressText: 'complete',
    petNames: ['a.bitweb', 'blog.bitweb'],
  });
});

test('siteRow of a visited site still downloading', () => {
  const row = siteRow({ address: ADDRESS, name: 'x', seeding: false, published: false, progress: 0.425 });
  assert.deepEqual(row.badges, ['not seeding']);
  assert.equal(row.percent, 42);
  assert.equal(row.complete, false);
  assert.equal(row.progressText, '42% downloaded');
});

test('siteRow of a key site whose newest version is being looked up says so', () => {
  const checking = siteRow({ address: ADDRESS, name: 'x', seeding: false, seq: 3, checkingForUpdates: true });
  assert.deepEqual(checking.badges, ['not seeding', 'checking for updates']);
  const idle = siteRow({ address: ADDRESS, name: 'x', seeding: false, seq: 3, checkingForUpdates: false, checkedAt: 1 });
  assert.deepEqual(idle.badges, ['not seeding']);
});

test('progressPercent and formatTransfer', () => {
  assert.equal(progressPercent(0.999), 99);
  assert.equal(progressPercent(1), 100);
  assert.equal(progressPercent(-1), 0);
  assert.equal(progressPercent(undefined), null);
  assert.equal(formatTransfer(1000, 2_000_000), '↑ 1.0 kB ↓ 2.0 MB');
  assert.equal(formatTransfer(undefined, 5), '↓ 5 B');
  assert.equal(formatTransfer(null, undefined), null);
});

test('siteRow falls back to the address for a missing name', () => {
  const row = siteRow({ address: ADDRESS, size: 10, peers: 1 });
  assert.equal(row.name, ADDRESS);
  assert.equal(row.url, `http://${ADDRESS}.bitweb/`);
  assert.equal(row.details, '10 B · 1 peer');
});

test('siteUrl never passes through other schemes or hosts', () => {
  assert.equal(siteUrl({ url: 'javascript:alert(1)', address: 'nope' }), null);
  assert.equal(siteUrl({ url: 'https://evil.example/', address: ADDRESS }), `http://${ADDRESS}.bitweb/`);
  assert.equal(siteUrl({ url: 'http://user:pw@x.bitweb/' }), null);
  assert.equal(siteUrl({ url: 'http://alice.bitweb/page.html' }), 'http://alice.bitweb/page.html');
  assert.equal(siteUrl({}), null);
  assert.equal(siteRow({ name: 'x' }).urlText, 'no valid address');
});

test('shellWord quotes only when needed', () => {
  assert.equal(shellWord('/work/main/installer/install.sh'), '/work/main/installer/install.sh');
  assert.equal(shellWord('/home/a b/install.sh'), `'/home/a b/install.sh'`);
  assert.equal(shellWord(`/it's/install.sh`), `'/it'\\''s/install.sh'`);
});

test('fixCommand names the installer', () => {
  assert.equal(fixCommand('not-installed', '/r/installer/install.sh'), 'bash /r/installer/install.sh');
  assert.equal(fixCommand('incompatible', '/r/installer/install.sh'), 'bash /r/installer/install.sh --rebuild');
  assert.equal(fixCommand('timeout', '/r/installer/install.sh'), '~/.local/bin/bitweb doctor');
  assert.equal(fixCommand('engine-unavailable'), '~/.local/bin/bitweb doctor');
  assert.equal(fixCommand('host'), null);
  assert.equal(fixCommand('not-installed'), 'bash installer/install.sh');
});

const connected = {
  state: 'connected',
  info: { protocol: 4, version: '0.1.0', gateway: 'http://127.0.0.1:47800', gatewayPort: 47800 },
  error: null,
};

test('connectionView: connected', () => {
  const view = connectionView({ ok: true, sites: [], connection: connected, routing: { port: 47800, problem: null } });
  assert.deepEqual(view, {
    tone: 'ok',
    label: 'Connected',
    gateway: 'http://127.0.0.1:47800',
    hostVersion: '0.1.0',
    problem: null,
  });
});

test('connectionView: host missing shows the problem and the command', () => {
  const view = connectionView(
    {
      ok: false,
      error: { kind: 'not-installed', message: 'The BitWeb host is not installed for this browser.' },
      connection: { state: 'error', info: null },
      routing: { port: 47800, problem: null },
    },
    { installer: '/src/bitweb/installer/install.sh' },
  );
  assert.equal(view.tone, 'error');
  assert.equal(view.label, 'Not connected');
  assert.equal(view.gateway, 'http://127.0.0.1:47800');
  assert.equal(view.problem.title, 'BitWeb host not installed');
  assert.equal(view.problem.command, 'bash /src/bitweb/installer/install.sh');
});

test('connectionView: wrong host version', () => {
  const view = connectionView({
    ok: false,
    error: { kind: 'incompatible', message: 'wrong host version: run installer/install.sh (…)' },
    connection: { state: 'error', info: null },
  });
  assert.equal(view.problem.title, 'Wrong host version');
  assert.match(view.problem.detail, /^wrong host version: run installer\/install\.sh/);
  assert.equal(view.problem.command, 'bash installer/install.sh --rebuild');
});

test('connectionView: engine unavailable (code 7) says to run bitweb doctor', () => {
  const view = connectionView({
    ok: false,
    error: { kind: 'engine-unavailable', code: 7, message: 'gateway port 47800 is taken' },
    connection: { state: 'error', info: null },
  });
  assert.equal(view.problem.title, 'The BitWeb engine is not running');
  assert.equal(view.problem.detail, 'gateway port 47800 is taken (error 7)');
  assert.equal(view.problem.command, '~/.local/bin/bitweb doctor');
});

test('connectionView: host error code is shown; routing problem is a problem', () => {
  const hostError = connectionView({
    ok: false,
    error: { kind: 'host', code: 1, message: 'store is locked' },
    connection: connected,
  });
  assert.equal(hostError.label, 'Connected, with an error');
  assert.equal(hostError.problem.detail, 'store is locked (error 1)');
  assert.equal(hostError.problem.command, null);

  const routing = connectionView({ ok: true, sites: [], connection: connected, routing: { port: 47800, problem: 'Another extension…' } });
  assert.equal(routing.tone, 'error');
  assert.equal(routing.problem.detail, 'Another extension…');
});

test('connectionView: pending', () => {
  assert.equal(connectionView(null).tone, 'busy');
});

test('routingView names the mode, the address form and why', () => {
  assert.deepEqual(routingView({ style: 'pac', mode: 'proxy', port: 47800, notice: 'Your proxy (p:1) is still used for every other site.' }), {
    mode: 'proxy',
    label: 'Proxy: http://<site>.bitweb/ via 127.0.0.1:47800 (PAC script)',
    detail: 'Your proxy (p:1) is still used for every other site.',
  });
  assert.equal(routingView({ style: 'listener', mode: 'proxy', port: 1 }).label, 'Proxy: http://<site>.bitweb/ via 127.0.0.1:1 (proxy listener)');
  assert.deepEqual(routingView({ style: 'pac', mode: 'subdomain', port: 47800, reason: 'Another extension controls…' }), {
    mode: 'subdomain',
    label: 'Subdomain form: http://<site>.bitweb.localhost:47800/',
    detail: 'Another extension controls…',
  });
  assert.equal(routingView(null).label, '—');
});

test('actionError words the host codes', () => {
  assert.match(actionError({ code: 4, message: 'x' }), /too old.*--rebuild/);
  assert.equal(actionError({ code: 6, message: 'no such site' }), 'Not found: no such site');
  assert.equal(actionError({ code: 8, message: 'empty folder' }), 'Publishing failed: empty folder');
  assert.equal(actionError({ code: 11, message: 'negative' }), 'That setting was refused: negative');
  assert.equal(actionError({ message: 'plain' }), 'plain');
  assert.equal(actionError(undefined), 'No details.');
});

test('storage limit: parse and show', () => {
  assert.equal(parseStorageLimit('', 'GB'), 0);
  assert.equal(parseStorageLimit('0', 'GB'), 0);
  assert.equal(parseStorageLimit('2.5', 'GB'), 2_500_000_000);
  assert.equal(parseStorageLimit('1,5', 'TB'), 1_500_000_000_000);
  assert.equal(parseStorageLimit(' 300 ', 'MB'), 300_000_000);
  for (const bad of ['-1', 'lots', '1e3', '1.2.3']) assert.throws(() => parseStorageLimit(bad, 'GB'), RangeError, bad);
  assert.throws(() => parseStorageLimit('1', 'PB'), RangeError);
  assert.deepEqual(storageLimitField(0), { value: '', unit: 'GB' });
  assert.deepEqual(storageLimitField(2_500_000_000), { value: '2.5', unit: 'GB' });
  assert.deepEqual(storageLimitField(300_000_000), { value: '300', unit: 'MB' });
  assert.deepEqual(storageLimitField(3e12), { value: '3', unit: 'TB' });
  assert.deepEqual(storageLimitField(1234), { value: '0.001', unit: 'MB' });
});

test('grace period for old versions: whole hours from 0 to a year, shown as the engine says', () => {
  assert.equal(parseGraceHours('0'), 0);
  assert.equal(parseGraceHours(' 24 '), 24);
  assert.equal(parseGraceHours('8760'), 8760);
  for (const bad of ['', '-1', '1.5', '1,5', 'a day', '1e3', '8761', '99999999999999999999']) {
    assert.throws(() => parseGraceHours(bad), RangeError, bad);
  }
  assert.throws(() => parseGraceHours('8761'), /At most 8760 hours/);
  assert.throws(() => parseGraceHours(''), /whole number of hours/);
  assert.equal(graceHoursField(0), '0');
  assert.equal(graceHoursField(48), '48');
  assert.equal(graceHoursField(undefined), '24');
});

test('publishProgressText', () => {
  assert.equal(publishProgressText({ done: 1_200_000, total: 2_900_000 }), 'Publishing… 41% (1.2 MB of 2.9 MB)');
  assert.equal(publishProgressText({ done: 0, total: 0 }), 'Publishing…');
  assert.equal(publishProgressText(), 'Publishing…');
});

const KEY = 'a'.repeat(52);

test('siteUrl accepts a salted key site, in url or address', () => {
  assert.equal(siteUrl({ url: `http://blog.${KEY}.bitweb/` }), `http://blog.${KEY}.bitweb/`);
  assert.equal(siteUrl({ address: `bw--ijwg6zy.${KEY}` }), `http://bw--ijwg6zy.${KEY}.bitweb/`);
  assert.equal(siteUrl({ address: `blog.${ADDRESS}` }), null, 'no salt on an infohash');
  assert.equal(siteUrl({ address: `ab--c.${KEY}` }), null);
  assert.equal(siteUrl({ url: `http://a.b.${KEY}.bitweb/` }), null);
  assert.equal(siteRow({ address: `blog.${KEY}`, name: 'b' }).url, `http://blog.${KEY}.bitweb/`);
});

test('saltOfAddress: none, plain, bw-- decoded, unreadable', () => {
  assert.equal(saltOfAddress(KEY), null);
  assert.equal(saltOfAddress(`blog.${KEY}`), 'blog');
  assert.equal(saltOfAddress(`bw--ijwg6zy.${KEY}`), 'Blog');
  assert.equal(saltOfAddress(`bw--74.${KEY}`), undefined, '0xff is no UTF-8');
  assert.equal(saltOfAddress(undefined), undefined);
});

test('siteUpdate: a key site with a source folder republishes it with its key and salt', () => {
  assert.deepEqual(siteUpdate({ address: KEY, source: '/s', key: 'blog' }), { path: '/s', key: 'blog', salt: null });
  assert.deepEqual(siteUpdate({ address: `news.${KEY}`, source: '/s', key: 'k' }), { path: '/s', key: 'k', salt: 'news' });
  assert.deepEqual(siteUpdate({ address: KEY, source: '/s' }), { path: '/s', key: null, salt: null }, 'key typed by the person');
  assert.equal(siteUpdate({ address: ADDRESS, source: '/s', key: 'k' }), null, 'an immutable site has no update');
  assert.equal(siteUpdate({ address: KEY, source: null, key: 'k' }), null);
  assert.equal(siteUpdate(null), null);
});

test('publishRequest: key and salt only when given; a salt needs a key', () => {
  assert.deepEqual(publishRequest({ path: ' /a ', key: '', salt: '' }), { request: { path: '/a' } });
  assert.deepEqual(publishRequest({ path: '/a', key: ' blog ', salt: '' }), { request: { path: '/a', key: 'blog' } });
  assert.deepEqual(publishRequest({ path: '/a', key: 'k', salt: 'Blog' }), { request: { path: '/a', key: 'k', salt: 'Blog' } });
  assert.match(publishRequest({ path: '/a', salt: 'x' }).error, /needs a site key/);
  assert.match(publishRequest({ path: '' }).error, /folder/);
});

test('each site row says whether it reveals the person, and why', async () => {
  const { siteRow } = await import('../src/view.js');
  assert.match(siteRow({ address: 'a'.repeat(40), published: true, seeding: true }).privacy, /Reveals you: you published it/);
  assert.match(siteRow({ address: 'b'.repeat(40), published: false, seeding: true }).privacy, /Reveals you: you chose to seed it/);
  assert.match(siteRow({ address: 'c'.repeat(40), published: false, seeding: false }).privacy, /^Private: visited, not shared/);
});

test('siteUrl builds the canonical spelling of an address: one site, one origin', () => {
  // the 32-character base32 form of ADDRESS names the same site as its 40 hex digits
  assert.equal(siteUrl({ address: 'aerukz4jvpg66ajdivtytk6n54asgrlh' }), `http://${ADDRESS}.bitweb/`);
  assert.equal(siteUrl({ address: 'AERUKZ4JVPG66AJDIVTYTK6N54ASGRLH' }), `http://${ADDRESS}.bitweb/`);
  assert.equal(siteUrl({ address: `blog.${'a'.repeat(52)}` }), `http://blog.${'a'.repeat(52)}.bitweb/`);
  assert.equal(siteUrl({ address: `blog.${ADDRESS}` }), null, 'only a key takes a salt');
});

test('the automatic storage limit says what it is now, and nothing when a limit is set by hand', () => {
  assert.equal(storageLimitHint({ storageLimitAuto: true, storageLimitInForceBytes: 12_300_000_000 }),
    'a quarter of the free disk space: 12.3 GB now');
  assert.equal(storageLimitHint({ storageLimitAuto: true }), 'a quarter of the free disk space');
  assert.equal(storageLimitHint({ storageLimitAuto: false, storageLimitInForceBytes: 5e9 }), '');
  assert.equal(storageLimitHint(undefined), '');
});

test('bandwidth: presets and kB/s fields, as the host reads them', () => {
  assert.deepEqual(rateLimitsField({ uploadBytesPerSecond: 0, downloadBytesPerSecond: 0 }), { preset: 'none', up: '', down: '' });
  assert.deepEqual(rateLimitsField(undefined), { preset: 'none', up: '', down: '' });
  assert.equal(rateLimitsField(SLOW_LINK).preset, 'slow-link');
  assert.deepEqual(rateLimitsField({ uploadBytesPerSecond: 100000, downloadBytesPerSecond: 0 }), { preset: 'custom', up: '100', down: '' });
  assert.deepEqual(rateLimitsRequest('slow-link', '', ''), { ratePreset: 'slow-link' });
  assert.deepEqual(rateLimitsRequest('none', '5', '5'), { ratePreset: 'none' });
  assert.deepEqual(rateLimitsRequest('custom', '100', ''), { rateLimits: { uploadBytesPerSecond: 100000, downloadBytesPerSecond: 0 } });
  assert.throws(() => parseRate('1,5'), /At least 17/, 'a comma is a decimal point: 1.5 kB/s is under a block a second');
  assert.equal(parseRate('20.5'), 20500);
  assert.equal(parseRate(' 0 '), 0);
  for (const bad of ['-1', 'fast', '1e3', '10']) assert.throws(() => parseRate(bad), RangeError, bad);
  assert.throws(() => parseRate('10'), /At least 17 kB\/s/);
});
