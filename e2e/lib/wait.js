// Bounded waiting. Every wait in the e2e suite has a deadline and says what it waited for,
// so a broken build fails in seconds with a message instead of hanging the runner. No fixed
// sleeps: we poll a condition (short interval) or wait on an event.

import { setTimeout as delay } from 'node:timers/promises';

/**
 * Calls `probe()` until it returns a truthy value (returned) or `timeoutMs` passes (throws).
 * A probe that throws counts as "not yet"; its last error goes into the timeout message,
 * as does the last value `describe(value)` gives, so the failure shows how far it got.
 */
export async function waitFor(what, probe, { timeoutMs = 10_000, intervalMs = 100, describe } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last = 'no attempt finished';
  for (;;) {
    try {
      // Each try gets at least a second, so a slow last try is not cut short into noise.
      const value = await withDeadline(Promise.resolve().then(probe), Math.max(1_000, deadline - Date.now()), `one try of: ${what}`);
      if (value) return value;
      last = describe ? `last seen: ${describe(value)}` : `last result: ${JSON.stringify(value)}`;
    } catch (error) {
      last = `last error: ${error?.message ?? error}`;
    }
    if (Date.now() >= deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${last})`);
    }
    await delay(Math.min(intervalMs, Math.max(0, deadline - Date.now())));
  }
}

/** Resolves/rejects like `promise`, or rejects after `ms` saying what did not finish. */
export function withDeadline(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Waits for a line matching `regex` on a readable stream (e.g. a child's stdout) and
 * resolves to the match. Rejects when the stream ends first or `ms` passes; `context()`
 * is added to the message (e.g. the child's log so far).
 */
export function waitForLine(stream, regex, ms, what, context = () => '') {
  return new Promise((resolve, reject) => {
    let pending = '';
    const finish = (error, match) => {
      clearTimeout(timer);
      stream.off('data', onData);
      stream.off('end', onEnd);
      if (error) reject(error);
      else resolve(match);
    };
    const onData = (chunk) => {
      pending += chunk.toString('utf8');
      let newline;
      while ((newline = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, newline).replace(/\r$/, '');
        pending = pending.slice(newline + 1);
        const match = regex.exec(line);
        if (match) return finish(null, match);
      }
    };
    const onEnd = () => finish(new Error(`${what}: output ended before a line matching ${regex}${context()}`));
    const timer = setTimeout(
      () => finish(new Error(`timed out after ${ms} ms waiting for ${what} (a line matching ${regex})${context()}`)),
      ms,
    );
    stream.on('data', onData);
    stream.on('end', onEnd);
  });
}
