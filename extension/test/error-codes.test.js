// The extension's error codes against their source of truth, the Java enum
// org.bitweb.messaging.ErrorCode: the host and the extension must give each number the same
// name. The enum's source is read as text (no JVM needed); a change on either side that the
// other lacks fails here.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ErrorCode } from '../src/error-codes.js';

const ENUM_SOURCE = new URL('../../native-host/src/main/java/org/bitweb/messaging/ErrorCode.java', import.meta.url);

/** `{NAME: code}` from the constants of `enum ErrorCode { NAME(code, "..."), ...; }`, in order. */
export function enumCodes(javaSource) {
  // Strings and comments first, so a ";" or "(1," inside them is not read as code.
  const text = javaSource
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/"(?:[^"\\\n]|\\.)*"/g, '""')
    .replace(/\/\/.*$/gm, ' ');
  const body = /\benum\s+ErrorCode\s*\{([\s\S]*?);/.exec(text);
  if (!body) throw new Error('no "enum ErrorCode { ...; }" in the Java source');
  const codes = {};
  for (const [, name, code] of body[1].matchAll(/\b([A-Z][A-Z0-9_]*)\s*\(\s*(\d+)\s*,/g)) codes[name] = Number(code);
  return codes;
}

test('the parser reads names and numbers of an enum like the host\'s', () => {
  const java = `package x;
    /** Docs mentioning (1, "x"). */
    public enum ErrorCode {
        INTERNAL(1, "internal error, see http://x/"), // a comment; with "quotes"
        NOT_FOUND(6, "no such site or file"),
        // RETIRED(12, "not a constant"),
        NOT_READY(10, "still on its way; try again (\"soon\")"),
        BAD_SETTING(11, "a setting has a value it cannot take");
        private final int code;
        ErrorCode(int code, String meaning) { this.code = code; }
    }`;
  assert.deepEqual(enumCodes(java), { INTERNAL: 1, NOT_FOUND: 6, NOT_READY: 10, BAD_SETTING: 11 });
  assert.throws(() => enumCodes('class Other {}'), /no "enum ErrorCode/);
});

test('src/error-codes.js is the Java enum messaging.ErrorCode, name for name and number for number', () => {
  const java = enumCodes(readFileSync(ENUM_SOURCE, 'utf8'));
  assert.ok(Object.keys(java).length >= 11, `the enum has its codes (found ${JSON.stringify(java)})`);
  assert.deepEqual({ ...ErrorCode }, java, 'update extension/src/error-codes.js from ErrorCode.java (append only)');
});

test('codes are append only: 1, 2, 3, ... in order, none reused, and the table cannot be changed at run time', () => {
  assert.deepEqual(Object.values(ErrorCode), Object.values(ErrorCode).map((_, i) => i + 1));
  assert.ok(Object.isFrozen(ErrorCode));
});
