// The one way the extension talks to the BitWeb host over native messaging.
//
// Contract (protocol 1): the extension sends `{id, action, ...params}`; the host answers
// `{id, action, ok: true, data}` or `{id, action, ok: false, error: {code, message}}`, and
// may push `{event, data}`. Every connection starts with `hello`, whose reply says the
// host's protocol version and where its gateway listens.
//
// NativeHost connects lazily (on the first request), matches replies to requests by id,
// times requests out, turns browser errors into ones a person can act on, and reconnects
// with backoff when a working host goes away. It takes a `connect` function instead of
// calling the browser API itself, so tests drive it with a fake port.

import { HOST_NAME, REQUIRED_PROTOCOL } from './constants.js';
import { ErrorCode } from './error-codes.js';

export const ErrorKind = Object.freeze({
  NOT_INSTALLED: 'not-installed', // no host manifest for this browser
  FORBIDDEN: 'forbidden', // manifest exists but does not list this extension
  FAILED_TO_START: 'failed-to-start', // the manifest's path cannot be executed
  EXITED: 'exited', // the host process went away
  INCOMPATIBLE: 'incompatible', // the host speaks an older protocol than we need
  TIMEOUT: 'timeout', // no reply in time
  HOST: 'host', // the host answered ok:false; `code` is the host's error code
  ENGINE: 'engine-unavailable', // the host runs but cannot reach or start the engine (code 7)
  PROTOCOL: 'protocol', // a reply we cannot understand
  CLOSED: 'closed', // the extension closed the connection itself
});

// After these the user has to act (run the installer); retrying on our own would only
// spawn processes that fail the same way. The next request tries again.
const NEEDS_USER = new Set([
  ErrorKind.NOT_INSTALLED,
  ErrorKind.FORBIDDEN,
  ErrorKind.FAILED_TO_START,
  ErrorKind.INCOMPATIBLE,
  ErrorKind.CLOSED,
]);

export class HostError extends Error {
  constructor(kind, message, { code = null, action = null, cause } = {}) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'HostError';
    this.kind = kind;
    this.code = code;
    this.action = action;
  }

  /** Plain data for runtime messages (Error objects do not survive structured cloning). */
  toJSON() {
    return { kind: this.kind, message: this.message, code: this.code, action: this.action };
  }
}

const INSTALL_HINT = 'Run installer/install.sh';

/**
 * Turns what the browser says when a native port closes (Chrome: runtime.lastError,
 * Firefox: port.error) into a HostError. `message` may be empty: the host simply exited.
 */
export function disconnectError(message) {
  const raw = typeof message === 'string' ? message.trim().replace(/\.+$/, '') : '';
  const said = raw ? ` (browser says: ${raw})` : '';
  if (/not found|no such native application|not registered/i.test(raw)) {
    return new HostError(
      ErrorKind.NOT_INSTALLED,
      `The BitWeb host is not installed for this browser${said}. ${INSTALL_HINT} to install it.`,
    );
  }
  if (/forbidden|does not have permission/i.test(raw)) {
    return new HostError(
      ErrorKind.FORBIDDEN,
      `The BitWeb host is installed but does not allow this extension${said}. ` +
        `${INSTALL_HINT} again to register this extension.`,
    );
  }
  if (/failed to start/i.test(raw)) {
    return new HostError(
      ErrorKind.FAILED_TO_START,
      `The browser could not start the BitWeb host${said}. ${INSTALL_HINT} again; ` +
        'it checks Java and rewrites the launcher.',
    );
  }
  if (/error when communicating/i.test(raw)) {
    return new HostError(
      ErrorKind.PROTOCOL,
      `The BitWeb host sent something that is not a native message${said}.`,
    );
  }
  return new HostError(
    ErrorKind.EXITED,
    `The BitWeb host stopped${said}. It needs Java 17 or newer; ${INSTALL_HINT} to check.`,
  );
}

export function incompatibleError(detail) {
  return new HostError(ErrorKind.INCOMPATIBLE, `wrong host version: run installer/install.sh (${detail})`, {
    action: 'hello',
  });
}

/** Null when the `hello` reply is usable, else the HostError that says why not. */
export function checkHello(data, requiredProtocol = REQUIRED_PROTOCOL) {
  if (data === null || typeof data !== 'object') {
    return new HostError(ErrorKind.PROTOCOL, 'The BitWeb host answered hello without data.', { action: 'hello' });
  }
  if (!Number.isInteger(data.protocol)) {
    return incompatibleError(`the host does not say its protocol version; this extension needs ${requiredProtocol}`);
  }
  if (data.protocol < requiredProtocol) {
    return incompatibleError(`the host speaks protocol ${data.protocol}, this extension needs ${requiredProtocol}`);
  }
  return null;
}

const isPlainObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);

export class NativeHost {
  #connect;
  #name;
  #client;
  #requiredProtocol;
  #timeoutMs;
  #helloTimeoutMs;
  #reconnect;
  #log;

  #port = null;
  #ready = null;
  #nextId = 1;
  #pending = new Map();
  #state = 'idle';
  #info = null;
  #error = null;
  #retryTimer = null;
  #retryDelayMs;
  #stateListeners = new Set();
  #eventListeners = new Set();

  /**
   * @param {object} options
   * @param {(name: string) => Port} options.connect opens a native port; a Port has
   *   post(message), onMessage(fn), onDisconnect(fn(browserErrorMessage)), close()
   * @param {string} options.client sent in hello, e.g. "bitweb-extension/0.1.0"
   * @param {false | {initialDelayMs: number, maxDelayMs: number}} [options.reconnect]
   */
  constructor({
    connect,
    client,
    name = HOST_NAME,
    requiredProtocol = REQUIRED_PROTOCOL,
    timeoutMs = 10_000,
    helloTimeoutMs = 20_000, // a cold JVM start is slow
    reconnect = { initialDelayMs: 1_000, maxDelayMs: 60_000 },
    log = console,
  }) {
    if (typeof connect !== 'function') throw new TypeError('NativeHost needs a connect(name) function');
    if (typeof client !== 'string' || !client) throw new TypeError('NativeHost needs a client name, e.g. "bitweb-extension/0.1.0"');
    this.#connect = connect;
    this.#name = name;
    this.#client = client;
    this.#requiredProtocol = requiredProtocol;
    this.#timeoutMs = timeoutMs;
    this.#helloTimeoutMs = helloTimeoutMs;
    this.#reconnect = reconnect;
    this.#retryDelayMs = reconnect ? reconnect.initialDelayMs : 0;
    this.#log = log;
  }

  /** `{state: 'idle'|'connecting'|'connected'|'error', info: hello data|null, error|null}` */
  get snapshot() {
    return { state: this.#state, info: this.#info, error: this.#error ? this.#error.toJSON() : null };
  }

  /** Calls `listener(snapshot)` on every state change; returns a function that unsubscribes. */
  onState(listener) {
    this.#stateListeners.add(listener);
    return () => this.#stateListeners.delete(listener);
  }

  /** Calls `listener({event, data})` for events the host pushes; returns an unsubscribe. */
  onEvent(listener) {
    this.#eventListeners.add(listener);
    return () => this.#eventListeners.delete(listener);
  }

  /** Connects and says hello unless already connected; resolves to the hello data. */
  connect() {
    this.#cancelRetry();
    if (!this.#ready) {
      const ready = this.#open();
      this.#ready = ready;
      ready.catch(() => {
        if (this.#ready === ready) this.#ready = null;
      });
    }
    return this.#ready;
  }

  /** Sends one request (connecting first if needed) and resolves to the reply's `data`. */
  async request(action, params = {}, { timeoutMs = this.#timeoutMs } = {}) {
    if (action === 'hello') return this.connect();
    await this.connect();
    const port = this.#port;
    if (!port) throw this.#error ?? disconnectError('');
    return this.#send(port, action, params, timeoutMs);
  }

  /** Closes the connection; pending requests fail with ErrorKind.CLOSED. */
  close() {
    this.#cancelRetry();
    const port = this.#port;
    this.#port = null;
    this.#ready = null;
    this.#info = null;
    this.#rejectPending(port, new HostError(ErrorKind.CLOSED, 'The connection to the BitWeb host was closed.'));
    if (port) this.#closePort(port);
    this.#setState('idle', null);
  }

  async #open() {
    this.#setState('connecting', null);
    let port;
    try {
      port = this.#connect(this.#name);
    } catch (cause) {
      // Firefox throws synchronously for some failures; Chrome reports them on disconnect.
      const error = disconnectError(cause?.message);
      this.#fail(error);
      throw error;
    }
    this.#port = port;
    port.onMessage((message) => this.#receive(port, message));
    port.onDisconnect((message) => this.#dropped(port, message));

    let data;
    try {
      data = await this.#send(
        port,
        'hello',
        { protocol: this.#requiredProtocol, client: this.#client },
        this.#helloTimeoutMs,
      );
    } catch (cause) {
      // A host that rejects hello does not know our protocol, unless it says that it
      // cannot reach the engine (then `bitweb doctor` says why).
      const error = cause.kind === ErrorKind.HOST ? incompatibleError(`hello failed: ${cause.message}`) : cause;
      this.#abandon(port, error);
      throw error;
    }
    const problem = checkHello(data, this.#requiredProtocol);
    if (problem) {
      this.#abandon(port, problem);
      throw problem;
    }
    this.#info = data;
    this.#retryDelayMs = this.#reconnect ? this.#reconnect.initialDelayMs : 0;
    this.#setState('connected', null);
    return data;
  }

  #send(port, action, params, timeoutMs) {
    return new Promise((resolve, reject) => {
      const id = this.#nextId++;
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(
          new HostError(ErrorKind.TIMEOUT, `The BitWeb host did not answer "${action}" within ${timeoutMs / 1000} s.`, {
            action,
          }),
        );
      }, timeoutMs);
      this.#pending.set(id, { port, action, resolve, reject, timer });
      try {
        port.post({ ...params, id, action });
      } catch (cause) {
        clearTimeout(timer);
        this.#pending.delete(id);
        reject(disconnectError(cause?.message));
      }
    });
  }

  #receive(port, message) {
    if (port !== this.#port) return; // a stale connection
    if (!isPlainObject(message)) {
      this.#log.warn('bitweb: dropping a native message that is not an object', message);
      return;
    }
    if (typeof message.event === 'string' && !('id' in message)) {
      this.#emit(this.#eventListeners, { event: message.event, data: message.data ?? {} });
      return;
    }
    const pending = this.#pending.get(message.id);
    if (!pending || pending.port !== port) {
      // Typically a reply that arrived after its request timed out.
      this.#log.warn(`bitweb: dropping a native reply to unknown request ${JSON.stringify(message.id)}`);
      return;
    }
    this.#pending.delete(message.id);
    clearTimeout(pending.timer);
    const { action } = pending;
    if (message.action !== action) {
      pending.reject(
        new HostError(ErrorKind.PROTOCOL, `The BitWeb host answered "${message.action}" to a "${action}" request.`, {
          action,
        }),
      );
    } else if (message.ok === true) {
      pending.resolve(message.data ?? {});
    } else if (message.ok === false) {
      const error = isPlainObject(message.error) ? message.error : {};
      const code = Number.isInteger(error.code) ? error.code : null;
      const kind = code === ErrorCode.ENGINE_UNAVAILABLE ? ErrorKind.ENGINE : ErrorKind.HOST;
      pending.reject(
        new HostError(kind, String(error.message ?? `The BitWeb host could not do "${action}".`), { code, action }),
      );
    } else {
      pending.reject(new HostError(ErrorKind.PROTOCOL, `The BitWeb host's reply to "${action}" has no "ok".`, { action }));
    }
  }

  #dropped(port, browserMessage) {
    if (port !== this.#port) return;
    const error = disconnectError(browserMessage);
    this.#port = null;
    this.#ready = null;
    this.#rejectPending(port, error);
    this.#fail(error);
  }

  /** Gives up on a connection we no longer trust (failed hello) and closes it. */
  #abandon(port, error) {
    if (port !== this.#port) return; // already dropped; #dropped has recorded why
    this.#port = null;
    this.#ready = null;
    this.#rejectPending(port, error);
    this.#closePort(port);
    this.#fail(error);
  }

  #fail(error) {
    this.#info = null;
    this.#setState('error', error);
    this.#scheduleRetry(error);
  }

  #rejectPending(port, error) {
    for (const [id, pending] of this.#pending) {
      if (port && pending.port !== port) continue;
      this.#pending.delete(id);
      clearTimeout(pending.timer);
      pending.reject(error);
    }
  }

  #closePort(port) {
    try {
      port.close();
    } catch {
      // already closed
    }
  }

  #scheduleRetry(error) {
    if (!this.#reconnect || NEEDS_USER.has(error.kind) || this.#retryTimer) return;
    const delay = this.#retryDelayMs;
    this.#retryDelayMs = Math.min(delay * 2, this.#reconnect.maxDelayMs);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      this.connect().catch(() => {}); // the state listeners hear about failures
    }, delay);
  }

  #cancelRetry() {
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
  }

  #setState(state, error) {
    this.#state = state;
    this.#error = error;
    this.#emit(this.#stateListeners, this.snapshot);
  }

  #emit(listeners, value) {
    for (const listener of listeners) {
      try {
        listener(value);
      } catch (error) {
        this.#log.warn('bitweb: a native host listener failed', error);
      }
    }
  }
}
