// A stack of teardown steps. A test pushes one right after it creates each resource (temp
// dir, engine, browser) and runs them all, newest first, in t.after(): a failing assertion
// or a timeout still stops every process the test started. One failing step does not stop
// the others; their errors are reported together.

export class Cleanup {
  #steps = [];

  /** Registers `fn` (sync or async) to run at teardown; `what` names it in errors. */
  add(what, fn) {
    this.#steps.push({ what, fn });
  }

  async run() {
    const errors = [];
    while (this.#steps.length) {
      const { what, fn } = this.#steps.pop();
      try {
        await fn();
      } catch (error) {
        errors.push(`${what}: ${error?.message ?? error}`);
      }
    }
    if (errors.length) throw new Error(`teardown failed:\n  ${errors.join('\n  ')}`);
  }
}
