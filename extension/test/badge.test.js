import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BADGE_COLORS, badgeFor } from '../src/badge.js';

test('unknown site: "…" while the tab loads, nothing after', () => {
  assert.deepEqual(badgeFor(null, { loading: true }), { text: '…', color: BADGE_COLORS.loading, title: 'BitWeb: looking for this site', state: 'loading' });
  assert.equal(badgeFor(null).text, '');
});

test('downloading: a percentage that never says 100 early', () => {
  assert.equal(badgeFor({ name: 's', progress: 0.424, peers: 2 }).text, '42%');
  assert.equal(badgeFor({ progress: 0.9999 }).text, '99%');
  assert.equal(badgeFor({ progress: 0 }).text, '0%');
  assert.match(badgeFor({ name: 's', progress: 0.5, peers: 1 }).title, /downloading s \(50%, 1 peer\)/);
});

test('complete: seed, new, or nothing for a visit that shares nothing', () => {
  assert.equal(badgeFor({ progress: 1, seeding: true, peers: 3 }).text, 'seed');
  assert.equal(badgeFor({ progress: 1, seeding: true }).color, BADGE_COLORS.seeding);
  assert.equal(badgeFor({ progress: 1, seeding: true, updated: true }).text, 'new');
  const visit = badgeFor({ name: 'blog', progress: 1, seeding: false });
  assert.equal(visit.text, '');
  assert.equal(visit.state, 'visiting');
  assert.match(visit.title, /you do not share it/);
  assert.equal(badgeFor({ seeding: true }).text, 'seed', 'no progress figure counts as complete');
});
