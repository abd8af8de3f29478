import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cleanPetNames, normalizePetName, petNameRules, petNameTarget } from '../src/petnames.js';
import { RULE_IDS } from '../src/constants.js';

const HEX = '0123456789abcdef0123456789abcdef01234567';

test('normalizePetName accepts one DNS label and strips .bitweb and a scheme', () => {
  assert.equal(normalizePetName('alice'), 'alice');
  assert.equal(normalizePetName('  Alice.BitWeb '), 'alice');
  assert.equal(normalizePetName('http://bob-2.bitweb/'), 'bob-2');
  for (const bad of ['', ' ', '-a', 'a-', 'a_b', 'a.b', 'ä', 'a'.repeat(64), null]) {
    assert.throws(() => normalizePetName(bad), RangeError, String(bad));
  }
});

test('a name that looks like a site address is refused', () => {
  assert.throws(() => normalizePetName(HEX), /looks like a site address/);
  assert.throws(() => normalizePetName('a'.repeat(52)), /looks like a site address/);
});

test('petNameTarget takes an address, a site URL or a magnet link', () => {
  assert.equal(petNameTarget(HEX), HEX);
  assert.equal(petNameTarget(`http://${HEX}.bitweb/some/page`), HEX);
  assert.equal(petNameTarget(`magnet:?xt=urn:btih:${HEX}`), HEX);
  assert.throws(() => petNameTarget('http://alice.bitweb/'), RangeError);
  assert.throws(() => petNameTarget(''), RangeError);
});

test('cleanPetNames drops what storage should not have held', () => {
  assert.deepEqual(cleanPetNames({ alice: HEX, Bob: HEX, carol: 'nope', [HEX]: HEX }), { alice: HEX });
  assert.deepEqual(cleanPetNames(null), {});
  assert.deepEqual(cleanPetNames([1]), {});
});

test('petNameRules: four redirects per name, host only, stable ids in name order', () => {
  const rules = petNameRules({ zed: HEX, alice: HEX });
  assert.equal(rules.length, 8);
  assert.deepEqual(rules.map((r) => r.id), [0, 1, 2, 3, 4, 5, 6, 7].map((i) => RULE_IDS.petNamesFirst + i));
  assert.deepEqual(rules[0], {
    id: RULE_IDS.petNamesFirst,
    priority: 20,
    action: { type: 'redirect', redirect: { transform: { host: `${HEX}.bitweb` } } },
    condition: { urlFilter: '|http://alice.bitweb/' },
  });
  assert.deepEqual(rules[1].condition, { urlFilter: '|http://alice.bitweb/', resourceTypes: ['main_frame'] });
  assert.deepEqual(rules[2].condition, { urlFilter: '|http://alice.bitweb.localhost:' });
  assert.equal(rules[2].action.redirect.transform.host, `${HEX}.bitweb.localhost`);
  assert.equal(rules[4].condition.urlFilter, '|http://zed.bitweb/');
  assert.ok(rules.every((r) => !('regexFilter' in r.condition)), 'no regex rules (Chrome allows only 1000)');
  assert.deepEqual(petNameRules({}), []);
});
