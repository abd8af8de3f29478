// Values shared by the background, the popup and the tests. The host contract lives in
// native.js; this file only holds what more than one module needs.

/** Name of the native messaging host, as registered by installer/install.sh. */
export const HOST_NAME = 'org.bitweb.host';

/**
 * Lowest host protocol this extension can talk to (the host's `hello` reply says its own). 4:
 * site.fetch's `from` (an older engine dials a page's LAN peer hints unfiltered), on top of 3's
 * comments.*, identity.* and service.status (docs/PROTOCOL.md#versions); an older engine is
 * refused at hello with its fix rather than failing one action at a time.
 */
export const REQUIRED_PROTOCOL = 4;

/** Where the gateway listens before the host has told us (the host's default port). */
export const GATEWAY_HOST = '127.0.0.1';
export const DEFAULT_GATEWAY_PORT = 47800;

/**
 * Ids of the dynamic declarativeNetRequest rules this extension owns. The static isolation
 * ruleset (rules/isolation.json) numbers its own rules from 1; ids are per ruleset.
 */
export const RULE_IDS = Object.freeze({
  subdomain: 10, // http://<site>.bitweb/* -> http://<site>.bitweb.localhost:<port>/*
  subdomainMainFrame: 11,
  detour: 12, // http://<site>.bitweb:<DETOUR_PORT>/* -> http://<site>.bitweb/* (isolation.js)
  gatewayProbe: 20, // nobody but the proxy talks to 127.0.0.1:<gateway port> directly
  bitwebTabs: 30, // session rule: no navigation out of a tab that shows a BitWeb page
  gatewayPort: 21, // *.bitweb.localhost on the gateway's port: allowed (every other port is blocked)
  gatewayPortMainFrame: 22,
  petNamesFirst: 1000, // four per pet name from here on
});

/**
 * Higher wins: isolation blocks beat every redirect; a pet name resolves before the subdomain
 * form. *.bitweb.localhost is blocked on every port (loopbackPorts) but the gateway's
 * (gatewayPort, an allow rule): both below the pet names, whose redirects keep the port.
 */
export const RULE_PRIORITY = Object.freeze({ isolation: 100, gatewayProbe: 90, petName: 20, gatewayPort: 15, loopbackPorts: 14, subdomain: 10 });

/** storage.local keys. */
export const STORAGE = Object.freeze({
  gateway: 'gateway', // {port, url, savedAt}: the last gateway the host announced
  petNames: 'petNames', // {name: label}
  routing: 'routing', // {preference: 'auto'|'subdomain'}
  proxyBaseline: 'proxyBaseline', // Chrome: the proxy setting the user had before BitWeb set its PAC
  publishDraft: 'publishDraft', // {path}: survives the popup closing while a folder dialog is open
});
