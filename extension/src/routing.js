// Sends *.bitweb requests to the local gateway. Chrome gets a PAC script through
// proxy.settings (when routing-decision.js says that is safe) or else the subdomain form
// through a declarativeNetRequest redirect; Firefox asks our proxy.onRequest listener for
// each matching request.
//
// The gateway port comes from the host's hello. The last one is kept in storage so that
// after a service-worker or event-page restart routing works at once, before the host has
// answered; before any hello ever succeeded the host's default port is used.

import { DEFAULT_GATEWAY_PORT, GATEWAY_HOST, RULE_IDS, STORAGE } from './constants.js';
import { DETOUR_PORT, detourRule, gatewayPortRules, gatewayProbeRule, subdomainRules } from './isolation.js';
import { firefoxProxyInfo, pacScript } from './pac.js';
import { Mode, decideRouting } from './routing-decision.js';

export const isPort = (value) => Number.isInteger(value) && value >= 1 && value <= 65535;

const OWN_RULE_IDS = [RULE_IDS.subdomain, RULE_IDS.subdomainMainFrame, RULE_IDS.gatewayProbe, RULE_IDS.gatewayPort, RULE_IDS.gatewayPortMainFrame, RULE_IDS.detour];
const PREFERENCES = new Set(['auto', 'subdomain']);

export class Router {
  #style;
  #proxy;
  #updateRules;
  #get;
  #set;
  #defaultPort;
  #port = null;
  #preference = 'auto';
  #decision = null;
  #problem = null;
  #loaded = null;
  #queue = Promise.resolve();

  /**
   * @param {object} deps
   * @param {'pac'|'listener'} deps.style how this browser routes (platform.proxyStyle)
   * @param {{get: () => Promise<object>, set: (data: string) => Promise<string>, clear: () => Promise<void>}} [deps.proxy]
   *   Chrome's proxy setting: get() resolves to {levelOfControl, value}; set(pacData)
   *   resolves to the levelOfControl afterwards
   * @param {(removeRuleIds: number[], addRules: object[]) => Promise<void>} deps.updateRules
   *   declarativeNetRequest.updateDynamicRules
   * @param {(key: string) => Promise<any>} deps.get storage.local read
   * @param {(key: string, value: any) => Promise<void>} deps.set storage.local write
   */
  constructor({ style, proxy, updateRules, get, set, defaultPort = DEFAULT_GATEWAY_PORT }) {
    if (style !== 'pac' && style !== 'listener') throw new TypeError(`unknown proxy style ${style}`);
    if (style === 'pac' && (typeof proxy?.get !== 'function' || typeof proxy?.set !== 'function')) {
      throw new TypeError('pac routing needs proxy.get and proxy.set');
    }
    this.#style = style;
    this.#proxy = proxy;
    this.#updateRules = updateRules ?? (async () => {});
    this.#get = get;
    this.#set = set;
    this.#defaultPort = defaultPort;
  }

  /**
   * `{style, mode, port, preference, problem, reason, notice}`: `problem` is a sentence
   * when routing is broken, `reason` why the subdomain form is used, `notice` what the
   * person should know about the proxy rule; each null when there is nothing to say.
   */
  get status() {
    return {
      style: this.#style,
      mode: this.#decision?.mode ?? Mode.PROXY,
      port: this.#port,
      preference: this.#preference,
      problem: this.#problem,
      reason: this.#decision?.reason ?? null,
      notice: this.#decision?.notice ?? null,
    };
  }

  /**
   * The address the extension opens a site at: `http://<label>.bitweb/...` or its subdomain
   * form; in Firefox's proxy form the detour port, which a rule turns into the first before
   * Firefox would ask DNS about the name (isolation.js, detourRule).
   */
  pageUrl(label, path = '/') {
    const p = typeof path === 'string' && path.startsWith('/') ? path : '/';
    if (this.#decision?.mode === Mode.SUBDOMAIN && isPort(this.#port)) {
      return `http://${label}.bitweb.localhost:${this.#port}${p}`;
    }
    if (this.#style === 'listener') return `http://${label}.bitweb:${DETOUR_PORT}${p}`;
    return `http://${label}.bitweb${p}`;
  }

  /** Applies the saved (or default) port and preference once; later calls return the same promise. */
  ready() {
    this.#loaded ??= this.#serial(async () => {
      const [saved, routing] = await Promise.all([
        this.#read(STORAGE.gateway),
        this.#read(STORAGE.routing),
      ]);
      if (PREFERENCES.has(routing?.preference)) this.#preference = routing.preference;
      if (this.#port === null) await this.#apply(isPort(saved?.port) ? saved.port : this.#defaultPort);
    });
    return this.#loaded;
  }

  /** Routes to the gateway a hello reply announced, and remembers it. */
  async useGateway(hello) {
    await this.ready();
    const port = hello?.gatewayPort;
    if (!isPort(port)) {
      this.#problem = `The BitWeb host announced no usable gateway port (${JSON.stringify(port)}).`;
      return this.status;
    }
    return this.#serial(async () => {
      if (port !== this.#port || this.#problem) await this.#apply(port);
      await this.#set(STORAGE.gateway, { port, url: typeof hello.gateway === 'string' ? hello.gateway : null, savedAt: Date.now() });
      return this.status;
    });
  }

  /** The person chose 'auto' (proxy where possible) or 'subdomain' in the popup. */
  async setPreference(preference) {
    if (!PREFERENCES.has(preference)) throw new RangeError(`unknown routing preference ${JSON.stringify(preference)}`);
    await this.ready();
    return this.#serial(async () => {
      this.#preference = preference;
      await this.#set(STORAGE.routing, { preference });
      await this.#apply(this.#port ?? this.#defaultPort);
      return this.status;
    });
  }

  /** Someone changed the browser's proxy setting: decide again. */
  async refresh() {
    await this.ready();
    return this.#serial(async () => {
      await this.#apply(this.#port ?? this.#defaultPort, { quiet: true });
      return this.status;
    });
  }

  /** Firefox proxy.onRequest handler. */
  async proxyInfo(details) {
    await this.ready();
    return firefoxProxyInfo(details.url, this.#port ?? this.#defaultPort);
  }

  async #read(key) {
    try {
      return await this.#get(key);
    } catch {
      return undefined;
    }
  }

  async #apply(port, { quiet = false } = {}) {
    this.#port = port;
    this.#problem = null;
    try {
      this.#decision = await this.#decide();
      if (this.#decision.takeOver) await this.#takeOver(port);
    } catch (error) {
      this.#problem = `Could not set the browser's proxy rule for *.bitweb: ${error?.message ?? error}`;
    }
    await this.#applyRules(port).catch((error) => {
      this.#problem ??= `Could not set BitWeb's redirect rules: ${error?.message ?? error}`;
    });
    // Our proxy rule goes only once the subdomain form's redirect is in: cleared first, a
    // http://<site>.bitweb/ opened in between went out directly, and Chromium asked the DNS
    // resolver about the name (seen once in the e2e DNS scenario).
    if (this.#decision?.release) {
      await this.#proxy.clear().catch((error) => {
        this.#problem ??= `Could not give back the browser's proxy setting: ${error?.message ?? error}`;
      });
    }
    if (!quiet && this.#problem) console.warn(`bitweb: ${this.#problem}`);
  }

  async #decide() {
    if (this.#style !== 'pac') return decideRouting({ style: this.#style, preference: this.#preference });
    const baseline = (await this.#read(STORAGE.proxyBaseline))?.value ?? null;
    let setting = await this.#proxy.get();
    let decision = decideRouting({ style: 'pac', preference: this.#preference, setting, baseline });
    if (decision.needsBaseline) {
      // Our PAC is set but we do not know what the person had: look underneath once.
      await this.#proxy.clear();
      setting = await this.#proxy.get();
      if (setting?.levelOfControl === 'controlled_by_this_extension') setting = { ...setting, levelOfControl: 'controllable_by_this_extension', value: { mode: 'system' } };
      decision = decideRouting({ style: 'pac', preference: this.#preference, setting, baseline: null });
    }
    if (decision.baseline && JSON.stringify(decision.baseline) !== JSON.stringify(baseline)) {
      await this.#set(STORAGE.proxyBaseline, { value: decision.baseline, savedAt: Date.now() });
    }
    return decision;
  }

  async #takeOver(port) {
    const control = await this.#proxy.set(pacScript(port, GATEWAY_HOST, this.#decision.upstream));
    if (control !== 'controlled_by_this_extension') {
      this.#problem = control === 'controlled_by_other_extensions'
        ? 'Another extension took over the browser\'s proxy settings, so *.bitweb addresses cannot reach the BitWeb gateway.'
        : `The browser did not accept BitWeb's proxy rule (${control}).`;
    }
  }

  async #applyRules(port) {
    // Until these are in, the static rules keep every port of *.bitweb.localhost closed.
    const rules = [gatewayProbeRule(port), ...gatewayPortRules(port)];
    if (this.#decision?.mode === Mode.SUBDOMAIN) rules.push(...subdomainRules(port));
    else rules.push(detourRule());
    await this.#updateRules(OWN_RULE_IDS, rules);
  }

  // One change at a time, so a late reply cannot undo a newer port.
  #serial(task) {
    const run = this.#queue.then(task);
    this.#queue = run.catch(() => {});
    return run;
  }
}
