// Values shared by the background, the popup and the tests. The host contract lives in
// native.js; this file only holds what more than one module needs.

/** Name of the native messaging host, as registered by installer/install.sh. */
export const HOST_NAME = 'org.bitweb.host';

/** Lowest host protocol this extension can talk to (the host's `hello` reply says its own). */
export const REQUIRED_PROTOCOL = 1;

/** Where the gateway listens before the host has told us (the host's default port). */
export const GATEWAY_HOST = '127.0.0.1';
export const DEFAULT_GATEWAY_PORT = 47800;

/** URL patterns of BitWeb sites; Firefox's proxy listener and host permissions use them. */
export const SITE_PATTERNS = Object.freeze(['*://*.bitweb/*']);

/** storage.local key under which the last gateway the host announced is kept. */
export const GATEWAY_STORAGE_KEY = 'gateway';
