import assert from 'node:assert/strict';
import { test } from 'node:test';
import { leaveTarget } from '../src/leave-target.js';

test('only an http(s) address outside BitWeb can be the target', () => {
  assert.equal(leaveTarget(`#${encodeURIComponent('https://example.org/a?b=c')}`), 'https://example.org/a?b=c');
  assert.equal(leaveTarget('#http%3A%2F%2F127.0.0.2%3A5000%2Fleave'), 'http://127.0.0.2:5000/leave');
  for (const bad of ['', '#', '#javascript%3Aalert(1)', '#data%3Atext%2Fhtml%2Cx', `#${encodeURIComponent('http://x.bitweb/')}`,
    `#${encodeURIComponent('http://x.bitweb.localhost:1/')}`, '#%E0%A4%A', null]) {
    assert.equal(leaveTarget(bad), null, String(bad));
  }
});
