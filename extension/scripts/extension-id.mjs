// Chrome derives an unpacked extension's ID from the manifest `key`: the SHA-256 of the
// DER-encoded public key, first 32 hex digits, each digit 0-f written as a letter a-p.
// The installer needs that ID in the host manifest's `allowed_origins`, so we pin the key
// and keep the ID in ids.json; build.mjs and the tests check that the two still agree.

import { createHash } from 'node:crypto';

/** @param {string} base64Key the manifest `key` (base64 DER SubjectPublicKeyInfo) */
export function chromeExtensionId(base64Key) {
  if (typeof base64Key !== 'string' || base64Key.trim() === '') {
    throw new TypeError('chromeExtensionId: manifest key must be a non-empty base64 string');
  }
  const der = Buffer.from(base64Key, 'base64');
  const hex = createHash('sha256').update(der).digest('hex').slice(0, 32);
  return [...hex].map((digit) => String.fromCharCode(97 + parseInt(digit, 16))).join('');
}
