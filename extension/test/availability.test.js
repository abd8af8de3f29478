import assert from 'node:assert/strict';
import { test } from 'node:test';
import { availabilityView } from '../src/availability.js';

test('a running service and a mapped port need nothing', () => {
  const view = availabilityView({
    service: { platform: 'SYSTEMD', kind: 'RUNNING', detail: '/home/me/.config/systemd/user/bitweb.service', fix: null },
    reachability: { state: 'mapped', method: 'UPnP IGD', detail: 'TCP 47801 forwarded by UPnP IGD', advice: null },
  });
  assert.equal(view.service.tone, 'ok');
  assert.equal(view.service.fix, null);
  assert.match(view.service.text, /runs at login/);
  assert.equal(view.reach.tone, 'ok');
  assert.equal(view.reach.advice, null);
});

test('no service: the command that installs it; not mapped: what to do', () => {
  const view = availabilityView({
    service: { kind: 'NOT_INSTALLED', detail: '', fix: 'bitweb service install' },
    reachability: { state: 'not-mapped', detail: 'no router forwarded the ports', advice: 'forward TCP port 47801 to this computer' },
  });
  assert.equal(view.service.fix, 'bitweb service install');
  assert.match(view.service.text, /not installed/);
  assert.equal(view.reach.tone, 'error');
  assert.equal(view.reach.advice, 'forward TCP port 47801 to this computer');
});

test('a stopped service is an error with its fix; odd or missing answers are "unknown", never a crash', () => {
  const stopped = availabilityView({ service: { kind: 'STOPPED', detail: 'failed', fix: 'systemctl --user restart bitweb.service' } });
  assert.equal(stopped.service.tone, 'error');
  assert.equal(stopped.service.fix, 'systemctl --user restart bitweb.service');
  assert.equal(stopped.reach.text, 'not known yet');
  assert.equal(availabilityView(null), null);
  const odd = availabilityView({ service: { kind: '<b>x</b>', fix: 42 }, reachability: { state: 'weird', advice: {} } });
  assert.equal(odd.service.text, 'unknown');
  assert.equal(odd.service.fix, null);
  assert.equal(odd.reach.advice, null);
});
