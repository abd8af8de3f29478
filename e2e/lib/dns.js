// Which `.bitweb` names a browser asks a DNS resolver about (docs/PRIVACY.md, "DNS"). The
// browser runs with the test's resolver as the system's (resolver.js); this opens sites the way
// a person does, in both address forms, and reports what reached the resolver after each step.
//
// Browsers cache answers (NXDOMAIN too), so every step opens a site never opened before (a
// random infohash). A clear-web name looked up after each step is the barrier: the resolver
// answers in order of arrival, and the lookups a load makes are sent before the load ends, so
// once the barrier's query arrived, the step's had too.

import { randomBytes } from 'node:crypto';
import { openSite } from './checks.js';
import { isBitwebName } from './resolver.js';
import { clickNewLink, popupText } from './steps.js';
import { waitFor } from './wait.js';

/** The steps, as bitwebDnsLeaks() names them (adapters list their known leaks by them). */
export const DNS_STEPS = Object.freeze({
  before: 'the scenarios before (site, pet name, subdomain form, links)',
  proxyTyped: 'proxy form: a new site typed',
  proxyLink: 'proxy form: a person\'s click on a link on a BitWeb page to a new site',
  proxyMagnet: 'proxy form: a magnet link on a BitWeb page (opened by the extension) to a new site',
  subdomainTyped: 'subdomain form: a new site typed as http://<site>.bitweb/',
  subdomainLocalhost: 'subdomain form: a new site typed as <site>.bitweb.localhost',
});

/**
 * Runs the steps in `page` (a tab) with `popup` (the popup page, to switch the address form)
 * and returns `[{step, names}]` for every step after which a `.bitweb` name reached
 * `resolver`, each name written `<site>`/`<new>`/its own label plus the record type, e.g.
 * `<new>.bitweb HTTPS`. With `before`, what earlier loads sent (from the resolver's query
 * number `since` on) is reported first.
 */
export async function bitwebDnsLeaks({ page, popup, site, engine, resolver, before = false, since = 0 }) {
  const labels = new Map([[site.address, '<site>']]);
  const fresh = () => {
    const address = randomBytes(20).toString('hex');
    labels.set(address, '<new>');
    return address;
  };
  const reported = new Set();
  const leaks = [];
  let barriers = 0;
  // The barrier's tab never shows a BitWeb page: a BitWeb tab's navigation out is held by the
  // extension (the leave page), which would ask no resolver anything.
  let barrierTab = null;
  const check = async (step) => {
    const name = `dns-barrier-${barriers += 1}-${Date.now()}.test`;
    barrierTab ??= await page.browser().newPage();
    await barrierTab.goto(`http://${name}/`, { waitUntil: 'load', timeout: 10_000 }).catch(() => {});
    await waitFor(`the resolver to be asked for ${name}`, () => resolver.queries.some((q) => q.name === name), {
      timeoutMs: 10_000, describe: () => `queries: ${JSON.stringify(resolver.queries.map((q) => `${q.name} ${q.type}`))}`,
    });
    const names = [];
    for (const q of resolver.queries.slice(since)) {
      const key = `${q.name} ${q.type}`;
      if (!isBitwebName(q.name) || reported.has(key)) continue;
      reported.add(key);
      const [label, ...rest] = q.name.split('.');
      names.push(`${[labels.get(label) ?? label, ...rest].join('.')} ${q.type}`);
    }
    if (names.length) leaks.push({ step, names: [...new Set(names)].sort() });
  };
  const open = (url) => page.goto(url, { waitUntil: 'load', timeout: 15_000 }).catch(() => {});
  // A person's click on a link on a BitWeb page to another site; the tab must end at that
  // site's own address (the link content script's detour leaves no trace in it).
  const follow = async (url) => {
    await page.bringToFront(); // a person clicks in the tab in front
    await openSite(page, site.url, 15_000);
    await clickNewLink(page, url);
    await waitFor(`the tab to show ${url}`, () => page.url() === url, { timeoutMs: 10_000, describe: () => page.url() });
    await popup.bringToFront();
  };
  // A person's click on a magnet link: the extension opens the site (router.pageUrl).
  const magnet = async (address) => {
    await page.bringToFront(); // a person clicks in the tab in front
    await openSite(page, site.url, 15_000);
    await clickNewLink(page, `magnet:?xt=urn:btih:${address}`);
    const url = `http://${address}.bitweb/`;
    await waitFor(`the extension to open ${url}`, () => page.url() === url, { timeoutMs: 10_000, describe: () => page.url() });
    await popup.bringToFront();
  };

  try {
    return await runSteps();
  } finally {
    await barrierTab?.close().catch(() => {});
  }

  async function runSteps() {
    if (before) await check(DNS_STEPS.before);
    await open(`http://${fresh()}.bitweb/`);
    await check(DNS_STEPS.proxyTyped);
    await follow(`http://${fresh()}.bitweb/`);
    await check(DNS_STEPS.proxyLink);
    await magnet(fresh());
    await check(DNS_STEPS.proxyMagnet);
    await popup.click('#routing-subdomain');
    await popupText(popup, 'Subdomain form');
    try {
      await open(`http://${fresh()}.bitweb/`);
      await check(DNS_STEPS.subdomainTyped);
      await open(`http://${fresh()}.bitweb.localhost:${engine.gatewayPort}/`);
      await check(DNS_STEPS.subdomainLocalhost);
    } finally {
      await popup.click('#routing-auto');
      await popupText(popup, 'Proxy: http://<site>.bitweb/');
    }
    return leaks;
  }
}
