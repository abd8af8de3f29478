import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decideRouting } from '../src/routing-decision.js';

const setting = (levelOfControl, value) => ({ levelOfControl, value });
const free = (value) => setting('controllable_by_this_extension', value);

test('Firefox routes with its listener, whatever else is set', () => {
  const d = decideRouting({ style: 'listener' });
  assert.equal(d.mode, 'proxy');
  assert.equal(d.takeOver, false);
  assert.equal(decideRouting({ style: 'listener', preference: 'subdomain' }).mode, 'subdomain');
});

test('direct: take over, others stay DIRECT, nothing to say', () => {
  const d = decideRouting({ style: 'pac', setting: free({ mode: 'direct' }) });
  assert.deepEqual(
    { mode: d.mode, upstream: d.upstream, takeOver: d.takeOver, notice: d.notice, reason: d.reason, baseline: d.baseline },
    { mode: 'proxy', upstream: null, takeOver: true, notice: null, reason: null, baseline: { mode: 'direct' } },
  );
});

test('system (the default): take over and say that a system proxy is bypassed', () => {
  const d = decideRouting({ style: 'pac', setting: free({ mode: 'system' }) });
  assert.equal(d.mode, 'proxy');
  assert.equal(d.takeOver, true);
  assert.match(d.notice, /system proxy settings/);
  assert.match(d.notice, /\.bitweb\.localhost form/);
});

test('fixed_servers: carried over in the PAC, and the popup names the proxy', () => {
  const rules = { singleProxy: { scheme: 'socks5', host: 'proxy.lan', port: 1080 }, bypassList: ['<local>', '*.corp'] };
  const d = decideRouting({ style: 'pac', setting: free({ mode: 'fixed_servers', rules }) });
  assert.equal(d.mode, 'proxy');
  assert.deepEqual(d.upstream, { kind: 'fixed', rules });
  assert.match(d.notice, /socks5:\/\/proxy\.lan:1080/);
  const perScheme = decideRouting({
    style: 'pac',
    setting: free({ mode: 'fixed_servers', rules: { proxyForHttp: { host: 'a', port: 1 }, proxyForHttps: { scheme: 'https', host: 'b', port: 2 } } }),
  });
  assert.match(perScheme.notice, /http: a:1, https: https:\/\/b:2/);
});

test('fixed_servers that PAC cannot express: left alone, subdomain form', () => {
  const rules = { singleProxy: { scheme: 'gopher', host: 'x', port: 70 } };
  const d = decideRouting({ style: 'pac', setting: free({ mode: 'fixed_servers', rules }) });
  assert.equal(d.mode, 'subdomain');
  assert.equal(d.takeOver, false);
  assert.match(d.reason, /cannot be combined/);
  const badBypass = decideRouting({
    style: 'pac',
    setting: free({ mode: 'fixed_servers', rules: { singleProxy: { host: 'x', port: 1 }, bypassList: ['what ever'] } }),
  });
  assert.equal(badBypass.mode, 'subdomain');
});

test('pac_script with inline data: kept inside ours', () => {
  const data = 'function FindProxyForURL(u, h) { return "PROXY corp:8080"; }';
  const d = decideRouting({ style: 'pac', setting: free({ mode: 'pac_script', pacScript: { data } }) });
  assert.equal(d.mode, 'proxy');
  assert.deepEqual(d.upstream, { kind: 'pac', data });
  assert.match(d.notice, /PAC script is still used/);
});

test('pac_script with a URL and auto_detect are never clobbered', () => {
  for (const value of [{ mode: 'pac_script', pacScript: { url: 'http://wpad/wpad.dat' } }, { mode: 'auto_detect' }, { mode: 'martian' }]) {
    const d = decideRouting({ style: 'pac', setting: free(value) });
    assert.equal(d.mode, 'subdomain', JSON.stringify(value));
    assert.equal(d.takeOver, false);
    assert.equal(d.release, false);
    assert.ok(d.reason, 'says why');
  }
});

test('controlled by another extension or locked: subdomain form, whatever the value', () => {
  for (const [level, words] of [['controlled_by_other_extensions', /Another extension/], ['not_controllable', /locked/]]) {
    for (const value of [{ mode: 'direct' }, { mode: 'pac_script', pacScript: { url: 'http://x/p.pac' } }, { mode: 'system' }]) {
      const d = decideRouting({ style: 'pac', setting: setting(level, value) });
      assert.equal(d.mode, 'subdomain');
      assert.equal(d.takeOver, false);
      assert.equal(d.release, false);
      assert.match(d.reason, words);
    }
  }
});

test('ours: decide on the saved baseline; without one, ask to look underneath', () => {
  const ours = setting('controlled_by_this_extension', { mode: 'pac_script', pacScript: { data: 'our PAC' } });
  const rules = { singleProxy: { host: '10.0.0.1', port: 8080 } };
  const d = decideRouting({ style: 'pac', setting: ours, baseline: { mode: 'fixed_servers', rules } });
  assert.equal(d.mode, 'proxy');
  assert.deepEqual(d.upstream, { kind: 'fixed', rules });
  const unknown = decideRouting({ style: 'pac', setting: ours });
  assert.equal(unknown.needsBaseline, true);
  assert.equal(unknown.takeOver, false);
});

test('the person chose the subdomain form: give our PAC back if we hold it', () => {
  const ours = decideRouting({ style: 'pac', preference: 'subdomain', setting: setting('controlled_by_this_extension', {}) });
  assert.equal(ours.mode, 'subdomain');
  assert.equal(ours.release, true);
  const theirs = decideRouting({ style: 'pac', preference: 'subdomain', setting: free({ mode: 'direct' }) });
  assert.equal(theirs.release, false);
  assert.equal(theirs.takeOver, false);
});

test('no setting reported at all counts as the default (system)', () => {
  const d = decideRouting({ style: 'pac' });
  assert.equal(d.mode, 'proxy');
  assert.match(d.notice, /system/);
});
