import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  base32Decode, base32Encode, canonicalAddress, canonicalLabel, isSaltLabel, isSiteLabel, labelOfPage, parseSiteLink, publicKeyLabel, siteHref,
} from '../src/links.js';

const HEX = '0123456789abcdef0123456789abcdef01234567';
// the same 20 bytes in base32
const B32 = base32Encode(Uint8Array.from(HEX.match(/../g).map((p) => parseInt(p, 16))));
const KEY_HEX = 'a'.repeat(64);

test('base32 round-trips and matches RFC 4648 vectors (lowercase, no padding)', () => {
  const enc = (s) => base32Encode(new TextEncoder().encode(s));
  assert.equal(enc(''), '');
  assert.equal(enc('f'), 'my');
  assert.equal(enc('fo'), 'mzxq');
  assert.equal(enc('foo'), 'mzxw6');
  assert.equal(enc('foobar'), 'mzxw6ytboi');
  assert.equal(new TextDecoder().decode(base32Decode('mzxw6ytboi')), 'foobar');
  assert.equal(B32.length, 32);
  assert.throws(() => base32Decode('a1'), RangeError);
});

test('canonicalLabel: hex stays, base32 infohash becomes hex, keys stay, anything else is null', () => {
  assert.equal(canonicalLabel(HEX), HEX);
  assert.equal(canonicalLabel(HEX.toUpperCase()), HEX);
  assert.equal(canonicalLabel(B32), HEX);
  assert.equal(canonicalLabel(B32.toUpperCase()), HEX);
  const key = publicKeyLabel(KEY_HEX);
  assert.equal(key.length, 52);
  assert.equal(canonicalLabel(key), key);
  for (const bad of ['', 'alice', HEX.slice(1), `${HEX}0`, 'g'.repeat(40), null, 7]) assert.equal(canonicalLabel(bad), null, String(bad));
  assert.equal(isSiteLabel(HEX), true);
  assert.equal(isSiteLabel('alice'), false);
});

test('publicKeyLabel: 64 hex to 52 base32; anything else is null', () => {
  assert.equal(publicKeyLabel('00'.repeat(32)), 'a'.repeat(52));
  assert.equal(publicKeyLabel('zz'), null);
  assert.equal(publicKeyLabel(undefined), null);
});

test('magnet links: btih in hex or base32, btpk keys, peer hints, junk ignored', () => {
  assert.deepEqual(parseSiteLink(`magnet:?xt=urn:btih:${HEX.toUpperCase()}&dn=My%20site`), {
    label: HEX, path: '/', peers: [], magnet: `magnet:?xt=urn:btih:${HEX.toUpperCase()}&dn=My%20site`,
  });
  assert.equal(parseSiteLink(`magnet:?dn=x&xt=urn:btih:${B32}`).label, HEX);
  assert.equal(parseSiteLink(`magnet:?xs=urn:btpk:${KEY_HEX}`).label, publicKeyLabel(KEY_HEX));
  const hinted = parseSiteLink(`magnet:?xt=urn:btih:${HEX}&x.pe=10.0.0.1:6881&x.pe=[::1]:7000&x.pe=evil&x.pe=1.2.3.4`);
  assert.deepEqual(hinted.peers, ['10.0.0.1:6881', '[::1]:7000']);
  assert.equal(parseSiteLink('magnet:?xt=urn:sha1:abc'), null);
  assert.equal(parseSiteLink('magnet:?xt=urn:btih:nothex'), null);
  assert.equal(parseSiteLink('magnet:?xt=urn:btih:%ZZ'), null);
});

test('http links in both forms keep path, query and fragment', () => {
  assert.deepEqual(parseSiteLink(`http://${HEX}.bitweb/a/b.html?q=1#top`), { label: HEX, path: '/a/b.html?q=1#top', peers: [], magnet: null });
  assert.equal(parseSiteLink(`http://${B32}.bitweb/`).label, HEX);
  assert.equal(parseSiteLink(`http://${HEX}.bitweb.localhost:47800/x`).path, '/x');
  assert.equal(parseSiteLink(`http://${HEX}.bitweb./`).label, HEX);
  assert.equal(parseSiteLink('http://alice.bitweb/'), null, 'a pet name is not an address');
  assert.equal(parseSiteLink(`https://${HEX}.bitweb/`), null, 'BitWeb sites are http');
  assert.equal(parseSiteLink(`http://user:pw@${HEX}.bitweb/`), null);
  assert.equal(parseSiteLink(`http://${HEX}.bitweb.example.com/`), null);
});

test('web+bitweb: wraps any of the forms, also percent-encoded as Firefox passes it', () => {
  assert.equal(parseSiteLink(`web+bitweb://${HEX}/docs/`).path, '/docs/');
  assert.equal(parseSiteLink(`web+bitweb://${HEX}.bitweb`).path, '/');
  assert.equal(parseSiteLink(`web+bitweb:magnet:?xt=urn:btih:${HEX}`).label, HEX);
  assert.equal(parseSiteLink(`web+bitweb:${encodeURIComponent(`magnet:?xt=urn:btih:${HEX}`)}`).label, HEX);
  assert.equal(parseSiteLink(`web+bitweb:${encodeURIComponent(`http://${HEX}.bitweb/p`)}`).path, '/p');
  assert.equal(parseSiteLink(`web+bitweb:${HEX}`).label, HEX);
  assert.equal(parseSiteLink('web+bitweb://alice/'), null);
  assert.equal(parseSiteLink('web+bitweb:%E0%A4%A'), null);
});

test('bare labels, and what is not a link', () => {
  assert.equal(parseSiteLink(`  ${HEX}  `).label, HEX);
  for (const bad of ['', 'javascript:alert(1)', 'data:text/html,x', 'ftp://x.bitweb/', null, 42, 'x'.repeat(5000)]) {
    assert.equal(parseSiteLink(bad), null, String(bad).slice(0, 20));
  }
});

test('siteHref and labelOfPage', () => {
  assert.equal(siteHref({ label: HEX, path: '/x?y' }), `http://${HEX}.bitweb/x?y`);
  assert.equal(siteHref({ label: HEX, path: 'relative' }), `http://${HEX}.bitweb/`);
  assert.equal(labelOfPage(`http://${HEX}.bitweb/page`), HEX);
  assert.equal(labelOfPage(`http://${HEX}.bitweb.localhost:47800/`), HEX);
  assert.equal(labelOfPage('http://alice.bitweb/'), null);
  assert.equal(labelOfPage('https://example.org/'), null);
  assert.equal(labelOfPage(undefined), null);
});

test('salted key hosts: <salt label>.<52 base32 key>.bitweb, plain or bw-- encoded', () => {
  const key = publicKeyLabel(KEY_HEX);
  assert.equal(key.length, 52);
  for (const salt of ['blog', 'b', 'my-blog-2', 'bw--ijwg6zy']) {
    assert.ok(isSaltLabel(salt), salt);
    const address = `${salt}.${key}`;
    assert.equal(canonicalAddress(address.toUpperCase()), address);
    assert.deepEqual(parseSiteLink(`http://${address}.bitweb/a?b#c`), { label: address, path: '/a?b#c', peers: [], magnet: null });
    assert.equal(labelOfPage(`http://${address}.bitweb.localhost:47800/x`), address);
    assert.equal(labelOfPage(`http://${address.toUpperCase()}.BITWEB./`), address);
    assert.equal(parseSiteLink(`web+bitweb://${address}/p`).label, address);
    assert.equal(parseSiteLink(`web+bitweb://${address}.bitweb/p`).path, '/p');
    assert.equal(parseSiteLink(address).label, address);
    assert.equal(siteHref({ label: address, path: '/p' }), `http://${address}.bitweb/p`);
  }
  for (const salt of ['-blog', 'blog-', 'ab--c', 'xn--abc', 'bw--', 'bw--18', 'a_b', 'a'.repeat(64)]) {
    assert.equal(isSaltLabel(salt), false, salt);
    assert.equal(parseSiteLink(`http://${salt}.${key}.bitweb/`), null, salt);
  }
  // a salt goes with a key only, and only one salt label
  assert.equal(parseSiteLink(`http://blog.${HEX}.bitweb/`), null);
  assert.equal(parseSiteLink(`http://blog.${B32}.bitweb/`), null);
  assert.equal(parseSiteLink(`http://a.blog.${key}.bitweb/`), null);
  assert.equal(canonicalAddress(`blog.${HEX}`), null);
  assert.equal(canonicalAddress(B32), HEX, 'one label still canonicalises');
});
