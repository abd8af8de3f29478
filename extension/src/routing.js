// Sends *.bitweb requests to the local gateway. Chrome gets a PAC script through
// proxy.settings; Firefox asks our proxy.onRequest listener for each matching request.
//
// The gateway port comes from the host's hello. The last one is kept in storage so that
// after a service-worker or event-page restart routing works at once, before the host has
// answered; before any hello ever succeeded the host's default port is used.

import { DEFAULT_GATEWAY_PORT } from './constants.js';
import { firefoxProxyInfo, pacScript } from './pac.js';

export const isPort = (value) => Number.isInteger(value) && value >= 1 && value <= 65535;

const CONTROL_PROBLEMS = {
  controlled_by_other_extensions:
    'Another extension controls the browser\'s proxy settings, so *.bitweb addresses cannot reach the BitWeb gateway. Disable that extension and reopen this popup.',
  not_controllable:
    'The browser\'s proxy settings are locked (by policy), so *.bitweb addresses cannot reach the BitWeb gateway.',
};

export class Router {
  #style;
  #setPacScript;
  #load;
  #save;
  #defaultPort;
  #port = null;
  #problem = null;
  #loaded = null;
  #queue = Promise.resolve();

  /**
   * @param {object} deps
   * @param {'pac'|'listener'} deps.style how this browser routes (platform.proxyStyle)
   * @param {(data: string) => Promise<string>} [deps.setPacScript] resolves to levelOfControl
   * @param {() => Promise<{port: number}|undefined>} deps.load last saved gateway
   * @param {(gateway: {port: number, url: string|null}) => Promise<void>} deps.save
   */
  constructor({ style, setPacScript, load, save, defaultPort = DEFAULT_GATEWAY_PORT }) {
    if (style !== 'pac' && style !== 'listener') throw new TypeError(`unknown proxy style ${style}`);
    if (style === 'pac' && typeof setPacScript !== 'function') throw new TypeError('pac routing needs setPacScript');
    this.#style = style;
    this.#setPacScript = setPacScript;
    this.#load = load;
    this.#save = save;
    this.#defaultPort = defaultPort;
  }

  /** `{style, port, problem}`; `problem` is a sentence for the popup or null. */
  get status() {
    return { style: this.#style, port: this.#port, problem: this.#problem };
  }

  /** Applies the saved (or default) port once; later calls return the same promise. */
  ready() {
    this.#loaded ??= this.#serial(async () => {
      let saved;
      try {
        saved = await this.#load();
      } catch {
        saved = undefined;
      }
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
      await this.#save({ port, url: typeof hello.gateway === 'string' ? hello.gateway : null });
      return this.status;
    });
  }

  /** Firefox proxy.onRequest handler. */
  async proxyInfo(details) {
    await this.ready();
    return firefoxProxyInfo(details.url, this.#port ?? this.#defaultPort);
  }

  async #apply(port) {
    this.#port = port;
    this.#problem = null;
    if (this.#style !== 'pac') return;
    try {
      const control = await this.#setPacScript(pacScript(port));
      this.#problem = CONTROL_PROBLEMS[control] ?? null;
    } catch (error) {
      this.#problem = `Could not set the browser's proxy rule for *.bitweb: ${error?.message ?? error}`;
    }
  }

  // One change at a time, so a late reply cannot undo a newer port.
  #serial(task) {
    const run = this.#queue.then(task);
    this.#queue = run.catch(() => {});
    return run;
  }
}
