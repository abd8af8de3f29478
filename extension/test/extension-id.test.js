import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { chromeExtensionId } from '../scripts/extension-id.mjs';

const readJson = async (path) => JSON.parse(await readFile(new URL(path, import.meta.url), 'utf8'));

test('the Chrome ID in ids.json is the one the manifest key gives', async () => {
  const chrome = await readJson('../manifest/chrome.json');
  const ids = await readJson('../ids.json');
  assert.match(ids.chrome, /^[a-p]{32}$/);
  assert.equal(chromeExtensionId(chrome.key), ids.chrome);
});

test('ids.json names the Firefox ID and the host the rest of the project uses', async () => {
  const ids = await readJson('../ids.json');
  const firefox = await readJson('../manifest/firefox.json');
  assert.equal(ids.firefox, 'bitweb@bitweb.org');
  assert.equal(firefox.browser_specific_settings.gecko.id, ids.firefox);
  assert.equal(ids.host, 'org.bitweb.host');
});

test('the manifest key is a public key, never a private one', async () => {
  const chrome = await readJson('../manifest/chrome.json');
  const der = Buffer.from(chrome.key, 'base64');
  // SubjectPublicKeyInfo for RSA starts with the rsaEncryption OID and is ~294 bytes for 2048 bits
  assert.ok(der.length > 200 && der.length < 600, `unexpected key length ${der.length}`);
  assert.ok(der.includes(Buffer.from('2a864886f70d010101', 'hex')), 'rsaEncryption OID');
  assert.doesNotMatch(chrome.key, /PRIVATE/);
});

test('chromeExtensionId: SHA-256 of the key bytes, first 32 hex digits as a-p', () => {
  // SHA-256 of the single byte 0x00 starts 6e340b9cffb37a989ca544e6bb780a2c
  assert.equal(chromeExtensionId('AA=='), 'godealjmppldhkjijmkfeeogllhiakcm');
  assert.throws(() => chromeExtensionId(''), TypeError);
  assert.throws(() => chromeExtensionId(undefined), TypeError);
});
