import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connectionView, fixCommand, formatPeers, formatSize, shellWord, siteRow, siteUrl } from '../src/view.js';

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
  });
  assert.deepEqual(row, {
    key: ADDRESS,
    name: 'my-blog',
    url: `http://${ADDRESS}.bitweb/`,
    urlText: `http://${ADDRESS}.bitweb/`,
    details: '1.2 MB · 3 peers · 12 files · seeding',
    title: `Site address ${ADDRESS}`,
  });
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
  assert.equal(fixCommand('timeout', '/r/installer/install.sh'), null);
  assert.equal(fixCommand('not-installed'), 'bash installer/install.sh');
});

const connected = {
  state: 'connected',
  info: { protocol: 1, version: '0.1.0', gateway: 'http://127.0.0.1:47800', gatewayPort: 47800 },
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

test('connectionView: host error code is shown; routing problem is a problem', () => {
  const hostError = connectionView({
    ok: false,
    error: { kind: 'host', code: 7, message: 'store is locked' },
    connection: connected,
  });
  assert.equal(hostError.label, 'Connected, with an error');
  assert.equal(hostError.problem.detail, 'store is locked (error 7)');
  assert.equal(hostError.problem.command, null);

  const routing = connectionView({ ok: true, sites: [], connection: connected, routing: { port: 47800, problem: 'Another extension…' } });
  assert.equal(routing.tone, 'error');
  assert.equal(routing.problem.detail, 'Another extension…');
});

test('connectionView: pending', () => {
  assert.equal(connectionView(null).tone, 'busy');
});
